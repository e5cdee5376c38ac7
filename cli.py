"""The ``verifier`` command: a thin door onto the library (``../shared/CONTRACT.md``).

Exit status of ``check``: 0 pass, 1 fail, 3 review; every command: 2 usage error, 4 internal
error. Reports go to stdout; progress and logs go to stderr only.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from verifier.evidence.commands import bundle_app

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Verify vehicle export documents for escrow."
)
err = Console(stderr=True)
app.add_typer(bundle_app, name="bundle")

EXIT = {"pass": 0, "fail": 1, "review": 3}
EXIT_USAGE, EXIT_INTERNAL = 2, 4
STAGES = ("pre-transaction", "deal-lock", "shipment", "arrival", "claim")


def _usage(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(EXIT_USAGE)


@app.command()
def check(
    folder: Annotated[Path, typer.Argument(help="the transaction's folder of documents")],
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    stage: Annotated[str, typer.Option(help="escrow stage")] = "pre-transaction",
    escrow_id: Annotated[str | None, typer.Option("--escrow-id")] = None,
    destination: Annotated[str | None, typer.Option(help="buyer's destination country")] = None,
    trust_roots: Annotated[
        list[Path] | None, typer.Option("--trust-roots", help="trusted CA certificates (PEM)")
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="moment of validation, YYYY-MM-DD[THH:MM] (default: now)")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="TOML settings file")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes (default: cores)")] = None,
    store: Annotated[
        str | None,
        typer.Option(envvar="VERIFIER_STORE", help="store originals and seal: folder or s3://…"),
    ] = None,
) -> None:
    """Verify every file in FOLDER and print the report (with --store: sealed)."""
    from pydantic import ValidationError

    from verifier.context import CheckContext
    from verifier.pipeline import check_folder
    from verifier.settings import Settings

    if format not in ("table", "json"):
        raise _usage(f"--format must be table or json, not {format!r}")
    if stage not in STAGES:
        raise _usage(f"--stage must be one of {', '.join(STAGES)}")
    if not folder.is_dir():
        raise _usage(f"{folder} is not a folder")
    try:
        settings = Settings.load(config)
    except (OSError, ValueError, ValidationError) as exc:
        raise _usage(f"cannot use --config {config}: {exc}") from exc
    if workers is not None:
        settings = settings.model_copy(
            update={"ocr": settings.ocr.model_copy(update={"workers": workers})}
        )
    for root in trust_roots or []:
        if not root.is_file():
            raise _usage(f"--trust-roots {root}: no such file")
    opened = _open_check_store(store, escrow_id or folder.resolve().name, settings)
    context = CheckContext(
        stage=stage,
        escrow_id=escrow_id,
        destination=destination,
        at=parse_moment(at),
        trust_roots=tuple(trust_roots or ()),
    )
    try:
        report = _with_progress(
            lambda progress: check_folder(
                folder, context=context, settings=settings, progress=progress, store=opened
            )
        )
    except Exception as exc:  # noqa: BLE001 - the contract's exit 4
        err.print_exception()
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_INTERNAL) from exc
    if report.bundle is not None:
        err.print(f"sealed bundle {report.bundle.id} in {opened.location}")
    if format == "json":
        sys.stdout.write(report.to_json() + "\n")
    else:
        from verifier.render import print_report

        print_report(report, Console())
    raise typer.Exit(EXIT[report.verdict])


def _open_check_store(uri: str | None, escrow_id: str, settings):
    """``check --store``: the opened store (None without one); the escrow id must be valid."""
    if not uri:
        return None
    from verifier.evidence import StoreError, open_store
    from verifier.evidence.store import ID_RE

    if not ID_RE.fullmatch(escrow_id):
        raise _usage(f"--escrow-id must match [A-Za-z0-9._-]{{1,64}}: {escrow_id!r}")
    try:
        return open_store(uri, settings.store)
    except StoreError as exc:
        raise _usage(f"--store {uri}: {exc}") from exc


def parse_moment(text: str | None):
    """``--at``: ``YYYY-MM-DD`` (midnight UTC) or ``YYYY-MM-DDTHH:MM`` (UTC unless a zone is
    given); a usage error otherwise."""
    import datetime as dt

    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise _usage(f"--at must be YYYY-MM-DD or YYYY-MM-DDTHH:MM, not {text!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _with_progress(run):
    """A progress bar on stderr while documents are read (only where stderr is a terminal)."""
    if not err.is_terminal:
        return run(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    # auto_refresh off: no background thread may exist when worker processes are forked.
    with Progress(
        TextColumn("reading"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        auto_refresh=False,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name[-40:])
            bar.refresh()

        return run(progress)


@app.command()
def schema() -> None:
    """Print the JSON schema of the report."""
    from verifier.schema import report_schema

    sys.stdout.write(json.dumps(report_schema(), indent=2) + "\n")


def _service_config(store, tokens, queue, trust_roots, config, state_dir):
    """The service's configuration from the command line (serve and worker)."""
    from pydantic import ValidationError

    from verifier.service.config import ServiceConfig, default_state_dir
    from verifier.settings import Settings

    if not store:
        raise _usage("--store (or VERIFIER_STORE) is required")
    if queue is not None and not queue.startswith(("redis://", "rediss://", "unix://")):
        raise _usage(f"--queue must be a redis:// URL, not {queue!r}")
    try:
        settings = Settings.load(config)
    except (OSError, ValueError, ValidationError) as exc:
        raise _usage(f"cannot use --config {config}: {exc}") from exc
    for root in trust_roots or []:
        if not root.is_file():
            raise _usage(f"--trust-roots {root}: no such file")
    return ServiceConfig(
        store_uri=store,
        tokens_file=tokens,
        settings=settings,
        queue_url=queue,
        trust_roots=tuple(r.resolve() for r in trust_roots or ()),
        state_dir=(state_dir or default_state_dir(settings)).resolve(),
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8080,
    store: Annotated[
        str | None, typer.Option(envvar="VERIFIER_STORE", help="evidence store")
    ] = None,
    tokens: Annotated[
        Path | None,
        typer.Option(envvar="VERIFIER_TOKENS_FILE", help="JSON list of hashed tokens and roles"),
    ] = None,
    queue: Annotated[
        str | None,
        typer.Option(envvar="VERIFIER_QUEUE", help="redis://… to run jobs on RQ workers"),
    ] = None,
    trust_roots: Annotated[
        list[Path] | None, typer.Option("--trust-roots", help="trusted CA certificates (PEM)")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="TOML settings file")] = None,
    state_dir: Annotated[
        Path | None, typer.Option(help="embedded job table (default ./verifier-state)")
    ] = None,
) -> None:
    """Serve the HTTP API for the escrow backend (uploads, jobs, reports, bundles)."""
    from verifier.evidence import StoreError
    from verifier.service import serve as run
    from verifier.service.auth import TokensFileError

    if tokens is None or not tokens.is_file():
        raise _usage("--tokens FILE (or VERIFIER_TOKENS_FILE) must name the tokens file")
    cfg = _service_config(store, tokens, queue, trust_roots, config, state_dir)
    try:
        run(cfg, host, port)
    except (TokensFileError, StoreError, OSError) as exc:
        raise _usage(str(exc)) from exc


@app.command()
def worker(
    queue: Annotated[
        str | None, typer.Option(envvar="VERIFIER_QUEUE", help="redis://… the service uses")
    ] = None,
    store: Annotated[
        str | None, typer.Option(envvar="VERIFIER_STORE", help="evidence store")
    ] = None,
    trust_roots: Annotated[
        list[Path] | None, typer.Option("--trust-roots", help="trusted CA certificates (PEM)")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="TOML settings file")] = None,
    burst: Annotated[bool, typer.Option(help="stop when the queue is empty")] = False,
) -> None:
    """Run verification jobs from the service's Redis queue (queue mode)."""
    from verifier.service.queue_rq import worker_main

    if not queue:
        raise _usage("--queue redis://… (or VERIFIER_QUEUE) is required")
    worker_main(_service_config(store, None, queue, trust_roots, config, None), burst=burst)


@app.command()
def vin(
    vins: Annotated[list[str], typer.Argument(help="VINs or chassis numbers")],
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    destination: Annotated[
        str | None, typer.Option(help="destination country (check digit mandatory in US/CA/MX)")
    ] = None,
) -> None:
    """Decode and validate VINs and chassis numbers; exit 0 when every one is valid."""
    from verifier import vin_report

    if format not in ("table", "json"):
        raise _usage(f"--format must be table or json, not {format!r}")
    rows = vin_report.describe_all(vins, destination)
    if format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        vin_report.print_table(rows, Console(), destination)
    raise typer.Exit(0 if all(vin_report.is_ok(r) for r in rows) else 1)


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="a document, a folder, or a bundle id (with --store)")],
    b: Annotated[str, typer.Argument(help="a document, a folder, or a bundle id (with --store)")],
    format: Annotated[str, typer.Option("--format", help="table, json or html")] = "table",
    out: Annotated[Path | None, typer.Option(help="write the output to FILE")] = None,
    store: Annotated[
        str | None, typer.Option(envvar="VERIFIER_STORE", help="evidence store")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="TOML settings file")] = None,
) -> None:
    """Side-by-side comparison of what A and B state; exit 0 when nothing differs."""
    from verifier import compare as cmp

    if format not in ("table", "json", "html"):
        raise _usage(f"--format must be table, json or html, not {format!r}")
    settings = _settings(config)
    opened = _open_store(store) if store else None
    try:
        sides = [cmp.load_side(x, _checker(settings, "pre-transaction"), opened) for x in (a, b)]
    except FileNotFoundError as exc:
        raise _usage(str(exc)) from exc
    result = cmp.compare(*sides)
    if format == "table" and out is None:
        cmp.print_table(result, Console())
    else:
        text = {"json": cmp.to_json, "html": cmp.to_html, "table": cmp.to_json}[format](result)
        if out:
            out.write_text(text + "\n", encoding="utf-8")
            err.print(f"wrote {out}")
        else:
            sys.stdout.write(text + "\n")
    raise typer.Exit(1 if result.differences else 0)


@app.command()
def claim(
    contract: Annotated[str, typer.Option(help="pre-shipment folder, or its sealed bundle id")],
    arrival: Annotated[Path, typer.Option(help="arrival evidence folder")],
    arrived: Annotated[str, typer.Option(help="port arrival date YYYY-MM-DD")],
    filed: Annotated[str, typer.Option(help="claim filing date YYYY-MM-DD")],
    variance_pct: Annotated[
        float | None, typer.Option("--variance-pct", min=0, max=100, help="set by the adjudicator")
    ] = None,
    costs: Annotated[
        str | None, typer.Option(help="logistics=N,customs=N,inspection=N")
    ] = None,
    seller_response: Annotated[
        Path | None, typer.Option("--seller-response", help="the seller's answer (JSON)")
    ] = None,
    ruled: Annotated[str | None, typer.Option(help="ruling date YYYY-MM-DD")] = None,
    store: Annotated[
        str | None, typer.Option(envvar="VERIFIER_STORE", help="evidence store")
    ] = None,
    escrow_id: Annotated[str | None, typer.Option("--escrow-id")] = None,
    at: Annotated[str | None, typer.Option(help="today, for deadlines (default: now)")] = None,
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    config: Annotated[Path | None, typer.Option(help="TOML settings file")] = None,
) -> None:
    """Evaluate a post-delivery non-conformance claim; exit 0 when rejected or conforming."""
    from verifier import claims
    from verifier.policy import Policy

    if format not in ("table", "json"):
        raise _usage(f"--format must be table or json, not {format!r}")
    if not arrival.is_dir():
        raise _usage(f"--arrival {arrival} is not a folder")
    settings = _settings(config)
    dates = {k: _date(k, v) for k, v in (("arrived", arrived), ("filed", filed), ("ruled", ruled))}
    try:
        response = claims.SellerResponse.load(seller_response) if seller_response else None
    except (OSError, ValueError) as exc:
        raise _usage(f"--seller-response {seller_response}: {exc}") from exc
    try:
        terms = claims.ClaimTerms(
            arrived=dates["arrived"],
            filed=dates["filed"],
            ruled=dates["ruled"],
            variance_pct=variance_pct,
            costs=_costs(costs),
            seller_response=response,
        )
    except ValueError as exc:
        raise _usage(str(exc)) from exc
    opened = _open_store(store) if store else None
    contract_side = _contract_side(contract, settings, opened)
    arrival_report = _checker(settings, "arrival")(arrival)
    decision = claims.evaluate_claim(
        contract_side.documents,
        arrival_report.documents,
        terms,
        settings=settings.claims,
        policy=Policy(),
        today=(parse_moment(at) or _now()).date(),
        compared_with=None if Path(contract).exists() else contract,
    )
    if opened is not None:
        record = escrow_id or contract_side.escrow_id or arrival.resolve().name
        ref = claims.seal_claim(opened, record, arrival, arrival_report, decision)
        err.print(f"sealed claim bundle {ref.id} root {ref.root_sha256}")
    if format == "json":
        sys.stdout.write(decision.to_json() + "\n")
    else:
        claims.print_decision(decision, Console())
    raise typer.Exit(1 if decision.upheld else 0)


def _settings(config: Path | None):
    from pydantic import ValidationError

    from verifier.settings import Settings

    try:
        return Settings.load(config)
    except (OSError, ValueError, ValidationError) as exc:
        raise _usage(f"cannot use --config {config}: {exc}") from exc


def _checker(settings, stage: str):
    from verifier.context import CheckContext
    from verifier.pipeline import check_folder

    return lambda folder: check_folder(
        folder, context=CheckContext(stage=stage), settings=settings
    )


def _open_store(uri: str):
    from verifier.evidence import StoreError, open_store

    try:
        return open_store(uri)
    except StoreError as exc:
        raise _usage(f"--store {uri}: {exc}") from exc


def _contract_side(contract: str, settings, store):
    from verifier import compare as cmp

    try:
        return cmp.load_side(contract, _checker(settings, "pre-transaction"), store)
    except FileNotFoundError as exc:
        raise _usage(f"--contract: {exc}") from exc


def _date(name: str, text: str | None):
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise _usage(f"--{name} must be YYYY-MM-DD, not {text!r}") from exc


def _costs(text: str | None) -> dict[str, float]:
    """``logistics=N,customs=N,inspection=N``; which keys and values are allowed is the
    claim's to say (:class:`verifier.claims.ClaimTerms`)."""
    out: dict[str, float] = {}
    for part in filter(None, (text or "").split(",")):
        key, _, value = part.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError as exc:
            raise _usage(f"--costs: {key.strip()} needs a number, not {value!r}") from exc
    return out


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def _exit(code: int) -> None:
    # The interpreter's last garbage collections walk every object the libraries made (pyHanko
    # alone: ~0.2 s); frozen, they are skipped. Buffers are still flushed, atexit still runs.
    gc.freeze()
    sys.exit(code)


def main() -> None:
    try:
        code = app(standalone_mode=False)
        _exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        _exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except Exception as exc:  # usage errors and anything unexpected
        # Typer carries its own copy of click; its usage errors show themselves.
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            sys.exit(EXIT_USAGE)
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}")
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()

