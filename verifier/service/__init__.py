"""The HTTP service the escrow backend calls after every upload (``verifier serve``).

Modules, one job each: :mod:`.app` (routes), :mod:`.auth` (tokens and roles),
:mod:`.uploads` (streamed multipart), :mod:`.jobs` (what a job does, its record),
:mod:`.local_queue` (embedded: SQLite job table and local worker processes),
:mod:`.queue_rq` (``--queue redis://…``: RQ workers anywhere), :mod:`.metrics`
(Prometheus), :mod:`.logs` (JSON lines with request ids), :mod:`.errors` (stable codes).
"""

from __future__ import annotations

from verifier.service.config import ServiceConfig


def create_app(config: ServiceConfig, **kwargs):
    from verifier.service.app import create_app as _create

    return _create(config, **kwargs)


def serve(config: ServiceConfig, host: str, port: int) -> None:
    """Run the service under uvicorn until stopped."""
    import uvicorn

    from verifier.service import logs
    from verifier.service.local_queue import new_boot

    if not config.boot:
        from dataclasses import replace

        config = replace(config, boot=new_boot())
    logs.configure()
    app = create_app(config)
    uvicorn.run(app, host=host, port=port, log_config=logs.uvicorn_log_config(),
                access_log=False, timeout_graceful_shutdown=10)


__all__ = ["ServiceConfig", "create_app", "serve"]
