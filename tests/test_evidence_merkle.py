"""The Merkle tree and its proofs (RFC 9162 §2.1), and the BagIt manifest encoding."""

from __future__ import annotations

import hashlib

import pytest

from verifier.evidence import bag, merkle
from verifier.evidence.merkle import Proof, verify_proof

# RFC 6962's reference inputs and roots (certificate-transparency's merkle tree tests).
RFC_INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
RFC_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("n", range(1, 9))
def test_rfc6962_reference_roots(n):
    leaves = [merkle.leaf_hash(d) for d in RFC_INPUTS[:n]]
    assert merkle.tree_hash(leaves).hex() == RFC_ROOTS[n - 1]


@pytest.mark.parametrize("n", range(1, 9))
def test_rfc6962_audit_paths(n):
    leaves = [merkle.leaf_hash(d) for d in RFC_INPUTS[:n]]
    root = merkle.tree_hash(leaves)
    for i in range(n):
        path = merkle.audit_path(i, leaves)
        assert merkle.root_from_path(i, n, leaves[i], path) == root


def files(n: int) -> dict[str, str]:
    return {
        f"data/originals/f{i:03d}.pdf": hashlib.sha256(bytes([i])).hexdigest() for i in range(n)
    }


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 33])
def test_every_file_proves_and_nothing_else(n):
    fs = files(n)
    root = merkle.bundle_root(fs)
    for path in fs:
        proof = merkle.prove("b", fs, path)
        assert proof.root_sha256 == root and verify_proof(proof, root)
        # round trip through the JSON a third party receives
        assert verify_proof(Proof.from_dict(proof.to_dict()), root)
        wrong_hash = Proof(**{**proof.__dict__, "sha256": "0" * 64})
        wrong_path = Proof(**{**proof.__dict__, "path": path + "x"})
        assert not verify_proof(wrong_hash, root) and not verify_proof(wrong_path, root)
        if n > 1:
            bad = list(proof.audit_path)
            bad[0] = hashlib.sha256(bad[0].encode()).hexdigest()
            assert not verify_proof(Proof(**{**proof.__dict__, "audit_path": tuple(bad)}), root)
            other = (proof.leaf_index + 1) % n
            assert not verify_proof(Proof(**{**proof.__dict__, "leaf_index": other}), root)
            shorter = Proof(**{**proof.__dict__, "audit_path": proof.audit_path[:-1]})
            assert not verify_proof(shorter, root)
        assert not verify_proof(Proof(**{**proof.__dict__, "tree_size": 0}), root)


def test_the_claimed_root_in_a_proof_is_not_trusted():
    fs = files(4)
    proof = merkle.prove("b", fs, "data/originals/f001.pdf")
    assert not verify_proof(proof, "1" * 64)
    assert not verify_proof(proof, "not hex")


def test_root_does_not_depend_on_insertion_order_but_on_every_path_and_hash():
    fs = files(6)
    root = merkle.bundle_root(fs)
    assert merkle.bundle_root(dict(reversed(list(fs.items())))) == root
    renamed = {k.replace("f001", "g001"): v for k, v in fs.items()}
    assert merkle.bundle_root(renamed) != root
    changed = {**fs, "data/originals/f002.pdf": "f" * 64}
    assert merkle.bundle_root(changed) != root


def test_manifest_paths_are_percent_encoded_and_round_trip():
    entries = {"data/a%b.pdf": "a" * 64, "data/line\nbreak.pdf": "b" * 64, "data/ok.pdf": "c" * 64}
    text = bag.manifest_bytes(entries)
    assert b"data/a%25b.pdf" in text and b"data/line%0Abreak.pdf" in text
    parsed, problems = bag.parse_manifest(text, bag.MANIFEST)
    assert parsed == entries and problems == []


def test_bad_manifest_lines_are_problems():
    text = (
        b"zz  data/a.pdf\n"
        + b"a" * 64
        + b"\n"
        + b"c" * 64
        + b"  data/b\n"
        + b"c" * 64
        + b"  data/b\n"
    )
    parsed, problems = bag.parse_manifest(text, bag.MANIFEST)
    assert parsed == {"data/b": "c" * 64}
    assert [p.kind for p in problems] == ["manifest"] * 3


@pytest.mark.parametrize("path", ["data/../x", "data//x", "/data/x", "data/./x", "x/data", "data/"])
def test_unsafe_paths(path):
    assert not bag.safe_path(path)
