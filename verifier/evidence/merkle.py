"""The bundle's identity: a Merkle tree hash over its sealed files (RFC 6962 §2.1 / RFC 9162 §2.1).

The tree, its inclusion proofs ("audit paths") and their verification follow RFC 9162 §2.1
exactly, with SHA-256 and the RFC's domain separation, so a leaf can never be passed off as an
inner node (the second-preimage attack on plain Merkle trees):

* leaf hash  ``SHA-256(0x00 || leaf)``
* node hash  ``SHA-256(0x01 || left || right)``; a tree of ``n > 1`` leaves splits at ``k``,
  the largest power of two smaller than ``n``.

What a bundle puts in its leaves (:func:`leaf_data`): one leaf per sealed file, in the order of
the path's UTF-8 bytes, ``leaf = UTF-8(path) || 0x00 || SHA-256(file)`` (32 raw bytes). A path
never contains NUL, so the encoding is unambiguous. The sealed files are every payload entry of
``manifest-sha256.txt`` plus the tag files ``bagit.txt`` and ``bag-info.txt`` (which holds the
escrow id, the stage, the time and the previous bundle's root), so the root commits to the
whole bundle and to its place in the escrow record's chain.

A proof names the file's path, its SHA-256, its leaf index, the tree size and the audit path;
anyone can check it with the root alone (:func:`verify_proof`, ten lines of RFC 9162
§2.1.3.2) after hashing the file themselves. Own code rather than a library: the dozen lines
are the RFC's algorithm verbatim, and the Python Merkle packages found either hash without
domain separation or use a different tree shape, which would not match the RFC's test vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
ALGORITHM = (
    "RFC 9162 2.1 Merkle tree, SHA-256; leaf = UTF-8(path) || 0x00 || SHA-256(file); "
    "leaf hash = SHA-256(0x00 || leaf); node hash = SHA-256(0x01 || left || right); "
    "leaves sorted by the path's UTF-8 bytes"
)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def leaf_data(path: str, sha256_hex: str) -> bytes:
    """The leaf of one sealed file: its path and its SHA-256."""
    if "\x00" in path:
        raise ValueError("a path with NUL cannot be a leaf")
    return path.encode("utf-8") + b"\x00" + bytes.fromhex(sha256_hex)


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n > 1``)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def tree_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves (RFC 9162 §2.1.1); the empty tree is SHA-256('')."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(tree_hash(leaves[:k]), tree_hash(leaves[k:]))


def audit_path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1 over already-hashed leaves."""
    n = len(leaves)
    if not 0 <= index < n:
        raise IndexError(index)
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*audit_path(index, leaves[:k]), tree_hash(leaves[k:])]
    return [*audit_path(index - k, leaves[k:]), tree_hash(leaves[:k])]


def root_from_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root an audit path leads to (RFC 9162 §2.1.3.2), or None when it is malformed."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def ordered(files: Mapping[str, str]) -> list[str]:
    """The paths of a bundle's sealed files in leaf order."""
    return sorted(files, key=lambda p: p.encode("utf-8"))


def bundle_root(files: Mapping[str, str]) -> str:
    """The root (hex) over ``{path: sha256 hex}`` of the sealed files."""
    return tree_hash([leaf_hash(leaf_data(p, files[p])) for p in ordered(files)]).hex()


@dataclass(frozen=True)
class Proof:
    """Inclusion proof of one file of a bundle, checkable with the root alone."""

    bundle_id: str
    root_sha256: str
    path: str
    sha256: str
    leaf_index: int
    tree_size: int
    audit_path: tuple[str, ...]
    algorithm: str = ALGORITHM

    def to_dict(self) -> dict:
        out = asdict(self)
        out["audit_path"] = list(self.audit_path)
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> Proof:
        return cls(
            bundle_id=str(data["bundle_id"]),
            root_sha256=str(data["root_sha256"]),
            path=str(data["path"]),
            sha256=str(data["sha256"]),
            leaf_index=int(data["leaf_index"]),
            tree_size=int(data["tree_size"]),
            audit_path=tuple(str(h) for h in data["audit_path"]),
            algorithm=str(data.get("algorithm", ALGORITHM)),
        )


def prove(bundle_id: str, files: Mapping[str, str], path: str) -> Proof:
    """The inclusion proof of ``path`` among ``files`` (``{path: sha256 hex}``)."""
    paths = ordered(files)
    if path not in files:
        raise KeyError(path)
    leaves = [leaf_hash(leaf_data(p, files[p])) for p in paths]
    index = paths.index(path)
    return Proof(
        bundle_id=bundle_id,
        root_sha256=tree_hash(leaves).hex(),
        path=path,
        sha256=files[path],
        leaf_index=index,
        tree_size=len(leaves),
        audit_path=tuple(h.hex() for h in audit_path(index, leaves)),
    )


def verify_proof(proof: Proof, root_sha256: str) -> bool:
    """True when ``proof`` shows ``proof.path`` with ``proof.sha256`` under ``root_sha256``.

    Uses nothing from the proof but the path, the file hash, the index, the size and the audit
    path: the root it claims is ignored in favour of the one given.
    """
    try:
        leaf = leaf_hash(leaf_data(proof.path, proof.sha256))
        path = [bytes.fromhex(h) for h in proof.audit_path]
        if any(len(h) != 32 for h in path) or len(bytes.fromhex(proof.sha256)) != 32:
            return False
        want = bytes.fromhex(root_sha256)
    except ValueError:
        return False
    got = root_from_path(proof.leaf_index, proof.tree_size, leaf, path)
    return got is not None and got == want
