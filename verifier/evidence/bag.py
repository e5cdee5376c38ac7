"""The sealed bundle's layout and its check: a BagIt bag (RFC 8493) plus a Merkle root.

Layout (RFC 8493 §2)::

    bagit.txt                  BagIt-Version 1.0, UTF-8 tag files
    bag-info.txt               escrow id, stage, time, versions, previous bundle's root
    manifest-sha256.txt        every payload file: "<sha256>  <path>"
    tagmanifest-sha256.txt     bagit.txt, bag-info.txt, manifest-sha256.txt
    data/originals/<name>      the files exactly as received
    data/derived/<name>.json   what was read from them (text, word boxes)
    data/report.json           the report, without its ``bundle`` key

Paths in manifests are percent-encoded for ``%``, CR and LF (RFC 8493 §2.1.3), as
bagit-python writes and reads them, so a downloaded bundle validates with any BagIt tool.

:func:`check_bag` is the full re-hash check, shared by both stores: it gets the SHA-256 of
every file actually present and reports *every* problem at once (``changed``, ``missing``,
``unexpected``, ``manifest``), each naming its path. It also recomputes the Merkle root
(:mod:`verifier.evidence.merkle`) from the manifests and compares it with the bundle's sealed
root, so a manifest edited together with its tag manifest is still caught; when the files on
disk reproduce the sealed root while the manifest does not, only the manifest lines are
reported, not the files they misdescribe. Unlike bagit-python's "fast" validation (which only
compares Payload-Oxum and so passed a same-size byte flip here), nothing is trusted without
re-hashing it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from verifier.evidence import merkle

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
BAG_INFO = "bag-info.txt"
BAGIT = "bagit.txt"
TAG_FILES = (BAGIT, BAG_INFO, MANIFEST, TAGMANIFEST)
# Tag files whose content the Merkle root commits to (the manifests are derived from it).
SEALED_TAG_FILES = (BAGIT, BAG_INFO)
REPORT = "data/report.json"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a stored bundle: ``kind`` is changed, missing, unexpected,
    manifest or chain; ``path`` is the file it concerns (bag-relative)."""

    kind: str
    path: str
    detail: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "path": self.path, "detail": self.detail}


def encode_path(path: str) -> str:
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


def decode_path(text: str) -> str:
    return (
        text.replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%25", "%")
    )


def safe_path(path: str, top: str = "data/") -> bool:
    """A relative '/'-path inside the bag under ``top``: no empty, '.' or '..' segment, no
    backslash tricks, no NUL."""
    if not path.startswith(top) or "\x00" in path or path.endswith("/"):
        return False
    parts = path.split("/")
    return all(p not in ("", ".", "..") for p in parts)


def manifest_bytes(entries: Mapping[str, str]) -> bytes:
    lines = [f"{entries[p]}  {encode_path(p)}\n" for p in merkle.ordered(entries)]
    return "".join(lines).encode("utf-8")


def parse_manifest(data: bytes, name: str) -> tuple[dict[str, str], list[Problem]]:
    """``{path: sha256}`` of a manifest, and a ``manifest`` problem for each bad line."""
    entries: dict[str, str] = {}
    problems: list[Problem] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {}, [Problem("manifest", name, "not UTF-8 text")]
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or not _HEX64.fullmatch(parts[0].lower()):
            problems.append(Problem("manifest", name, f"line {number} is not '<sha256>  <path>'"))
            continue
        path = decode_path(parts[1].strip())
        if path in entries:
            problems.append(Problem("manifest", name, f"line {number} repeats {path}"))
            continue
        entries[path] = parts[0].lower()
    return entries, problems


def bag_info_bytes(fields: list[tuple[str, str]]) -> bytes:
    out = []
    for label, value in fields:
        if not _LABEL.fullmatch(label) or "\n" in value or "\r" in value:
            raise ValueError(f"bag-info field cannot be written: {label}")
        out.append(f"{label}: {value}\n")
    return "".join(out).encode("utf-8")


def parse_bag_info(data: bytes) -> dict[str, str]:
    """The labels of bag-info.txt (first value of each; continuation lines joined)."""
    out: dict[str, str] = {}
    last = None
    for line in data.decode("utf-8", "replace").splitlines():
        if line[:1] in (" ", "\t") and last:
            out[last] += " " + line.strip()
            continue
        label, sep, value = line.partition(":")
        if sep:
            last = label.strip()
            out.setdefault(last, value.strip())
    return out


def sealed_files(payload: Mapping[str, str], tags: Mapping[str, str]) -> dict[str, str]:
    """The files the root commits to: the payload entries plus bagit.txt and bag-info.txt."""
    out = dict(payload)
    for name in SEALED_TAG_FILES:
        if name in tags:
            out[name] = tags[name]
    return out


def check_bag(
    root_sha256: str, actual: Mapping[str, str], read: callable
) -> tuple[list[Problem], dict[str, str]]:
    """Every problem of a bag whose present files hash to ``actual`` (``{path: sha256}``,
    every file present, tag files included); ``read(path)`` returns a present file's bytes.
    Returns the problems and the sealed files as the manifests state them."""
    problems: list[Problem] = []
    manifest_raw = read(MANIFEST) if MANIFEST in actual else None
    tag_raw = read(TAGMANIFEST) if TAGMANIFEST in actual else None
    if manifest_raw is None:
        problems.append(Problem("manifest", MANIFEST, "the payload manifest is missing"))
        payload: dict[str, str] = {}
    else:
        payload, bad = parse_manifest(manifest_raw, MANIFEST)
        problems += bad
    if tag_raw is None:
        problems.append(Problem("manifest", TAGMANIFEST, "the tag manifest is missing"))
        tags: dict[str, str] = {}
    else:
        tags, bad = parse_manifest(tag_raw, TAGMANIFEST)
        problems += bad

    for path in payload:
        if not safe_path(path):
            problems.append(Problem("manifest", MANIFEST, f"{path!r} is not a path under data/"))
    for path in tags:
        if path not in (BAGIT, BAG_INFO, MANIFEST):
            problems.append(Problem("manifest", TAGMANIFEST, f"lists an unknown file {path!r}"))
    for name in (BAGIT, BAG_INFO, MANIFEST):
        if name not in tags and tag_raw is not None:
            problems.append(Problem("manifest", TAGMANIFEST, f"does not list {name}"))

    file_problems: list[Problem] = []
    for path, want in [*payload.items(), *tags.items()]:
        if path not in actual:
            if path != MANIFEST:  # a missing manifest is already reported
                file_problems.append(Problem("missing", path, "listed in the manifest, absent"))
        elif actual[path] != want:
            kind = "manifest" if path == MANIFEST else "changed"
            file_problems.append(
                Problem(kind, path, f"sha256 is {actual[path]}, the manifest states {want}")
            )
    for path in merkle.ordered(actual):
        if path.startswith("data/"):
            if path not in payload:
                file_problems.append(Problem("unexpected", path, "not in the manifest"))
        elif path not in TAG_FILES:
            file_problems.append(Problem("unexpected", path, "not a file of the bag"))
    flagged = {p.path for p in file_problems}
    if BAGIT in actual and BAGIT not in flagged and read(BAGIT) != BAGIT_TXT:
        file_problems.append(Problem("changed", BAGIT, "not the BagIt 1.0 declaration"))

    declared = sealed_files(payload, tags)
    if merkle.bundle_root(declared) != root_sha256:
        on_disk = {p: actual[p] for p in declared if p in actual}
        if len(on_disk) == len(declared) and merkle.bundle_root(on_disk) == root_sha256:
            # The files are exactly those sealed; only the manifests misstate them.
            edited = []
            for p in file_problems:
                if p.kind == "changed" and p.path in declared:
                    where = TAGMANIFEST if p.path in SEALED_TAG_FILES else MANIFEST
                    edited.append(
                        Problem(
                            "manifest",
                            where,
                            f"the line for {p.path} was edited: it states {declared[p.path]}, "
                            f"the sealed file hashes {actual[p.path]}",
                        )
                    )
                else:
                    edited.append(p)
            file_problems = edited
        problems.append(
            Problem(
                "manifest",
                MANIFEST,
                f"the manifests do not reproduce the bundle's sealed root {root_sha256}",
            )
        )
    return _unique(problems + file_problems), declared


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
