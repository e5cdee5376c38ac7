"""``verifier bundle verify|list|prove|check-proof``: the sealed bundles from the command line.

Exit status (``../shared/CONTRACT.md``): ``verify`` 0 when the bundle is intact, 1 otherwise
(a bundle that is not in the store is not intact); ``list`` 0 when every link holds, 1
otherwise; ``prove`` 0; ``check-proof`` 0 when the proof holds for the given root (and file),
1 otherwise; 2 usage error (a bad id, no store), 4 internal error (the store unreachable).
Results go to stdout, messages to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

bundle_app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Sealed evidence bundles in a store."
)
err = Console(stderr=True)
EXIT_USAGE, EXIT_INTERNAL = 2, 4

StoreOption = Annotated[
    str | None,
    typer.Option("--store", envvar="VERIFIER_STORE", help="folder or s3://BUCKET/PREFIX"),
]
FormatOption = Annotated[str, typer.Option("--format", help="table or json")]


def _fail(code: int, message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def _store(uri: str | None):
    from verifier.evidence import StoreError, open_store

    if not uri:
        raise _fail(EXIT_USAGE, "--store (or VERIFIER_STORE) is required")
    try:
        return open_store(uri)
    except StoreError as exc:
        raise _fail(EXIT_INTERNAL, f"--store {uri}: {exc}") from exc


def _format(value: str) -> str:
    if value not in ("table", "json"):
        raise _fail(EXIT_USAGE, f"--format must be table or json, not {value!r}")
    return value


def _id(value: str, what: str) -> str:
    from verifier.evidence.store import ID_RE

    if not ID_RE.fullmatch(value):
        raise _fail(EXIT_USAGE, f"{what} must match [A-Za-z0-9._-]{{1,64}}: {value!r}")
    return value


@bundle_app.command("verify")
def verify(
    bundle_id: Annotated[str, typer.Argument(help="the bundle's id (its root)")],
    store: StoreOption = None,
    format: FormatOption = "table",
) -> None:
    """Re-hash every file of a bundle and report every problem; exit 0 only when intact."""
    from verifier.evidence import BundleNotFound, StoreError

    fmt = _format(format)
    _id(bundle_id, "BUNDLE_ID")
    opened = _store(store)
    try:
        problems = [p.to_dict() for p in opened.verify(bundle_id)]
    except BundleNotFound as exc:
        problems = [{"kind": "missing", "path": "", "detail": str(exc)}]
    except StoreError as exc:
        raise _fail(EXIT_INTERNAL, str(exc)) from exc
    if fmt == "json":
        out = {"bundle_id": bundle_id, "intact": not problems, "problems": problems}
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    elif not problems:
        Console().print(f"bundle {bundle_id}: intact (every file re-hashed)")
    else:
        table = Table(
            "kind", "path", "detail", title=f"bundle {bundle_id}: {len(problems)} problem(s)"
        )
        for p in problems:
            table.add_row(p["kind"], p["path"], p["detail"])
        Console().print(table)
    raise typer.Exit(0 if not problems else 1)


@bundle_app.command("list")
def list_(
    escrow_id: Annotated[str, typer.Argument(help="the escrow record")],
    store: StoreOption = None,
    format: FormatOption = "table",
) -> None:
    """The record's sealed bundles, oldest first, and whether each link to the previous holds."""
    from verifier.evidence import StoreError

    fmt = _format(format)
    _id(escrow_id, "ESCROW_ID")
    opened = _store(store)
    try:
        infos = opened.bundles(escrow_id)
    except StoreError as exc:
        raise _fail(EXIT_INTERNAL, str(exc)) from exc
    if fmt == "json":
        out = {
            "escrow_id": escrow_id,
            "chain_ok": all(b.link_ok for b in infos),
            "bundles": [b.to_dict() for b in infos],
        }
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        table = Table("#", "sealed at", "stage", "root", "previous", "link", title=escrow_id)
        for n, b in enumerate(infos, 1):
            link = "ok" if b.link_ok else f"BROKEN: {b.link_detail}"
            table.add_row(
                str(n), b.sealed_at, b.stage, b.root_sha256, (b.previous or "none")[:16], link
            )
        Console().print(table)
    raise typer.Exit(0 if all(b.link_ok for b in infos) else 1)


@bundle_app.command("prove")
def prove(
    bundle_id: Annotated[str, typer.Argument(help="the bundle's id (its root)")],
    path: Annotated[str, typer.Argument(help="the file, e.g. data/originals/contract.pdf")],
    store: StoreOption = None,
) -> None:
    """Print the Merkle inclusion proof of one file (JSON), checkable with the root alone."""
    from verifier.evidence import StoreError

    _id(bundle_id, "BUNDLE_ID")
    opened = _store(store)
    try:
        proof = opened.prove(bundle_id, path)
    except StoreError as exc:
        raise _fail(1, str(exc)) from exc
    sys.stdout.write(json.dumps(proof.to_dict(), indent=2) + "\n")


@bundle_app.command("check-proof")
def check_proof(
    proof_file: Annotated[Path, typer.Argument(help="a proof printed by bundle prove")],
    root: Annotated[str, typer.Option("--root", help="the bundle root you trust")],
    file: Annotated[
        Path | None, typer.Option("--file", help="the file itself, to hash and compare")
    ] = None,
) -> None:
    """Check a proof against a root (and optionally the file); no store needed."""
    from verifier.evidence import Proof, verify_proof
    from verifier.evidence.hashing import hash_file

    try:
        proof = Proof.from_dict(json.loads(proof_file.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _fail(EXIT_USAGE, f"{proof_file}: not a proof: {exc}") from exc
    ok = verify_proof(proof, root.lower())
    why = "" if ok else "the audit path does not lead to this root"
    if ok and file is not None:
        sha, _ = hash_file(file)
        if sha != proof.sha256:
            ok, why = False, f"{file} hashes {sha}, the proof is for {proof.sha256}"
    if ok:
        Console().print(f"{proof.path} is in the bundle with root {root}")
    else:
        err.print(f"proof does not hold: {why}")
    raise typer.Exit(0 if ok else 1)
