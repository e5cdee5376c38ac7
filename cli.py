"""The ``verifier`` command: a thin door onto the library (``../shared/CONTRACT.md``).

Exit status of ``check``: 0 pass, 1 fail, 3 review; every command: 2 usage error, 4 internal
error. Reports go to stdout; progress and logs go to stderr only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Verify vehicle export documents for escrow."
)
err = Console(stderr=True)

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
) -> None:
    """Verify every file in FOLDER and print the report."""
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
                folder, context=context, settings=settings, progress=progress
            )
        )
    except Exception as exc:  # noqa: BLE001 - the contract's exit 4
        err.print_exception()
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_INTERNAL) from exc
    if format == "json":
        sys.stdout.write(report.to_json() + "\n")
    else:
        from verifier.render import print_report

        print_report(report, Console())
    raise typer.Exit(EXIT[report.verdict])


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


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8080,
) -> None:
    """Serve health and readiness endpoints (the escrow API is a later issue)."""
    from verifier.service import serve as run

    run(host, port)


def main() -> None:
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
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
