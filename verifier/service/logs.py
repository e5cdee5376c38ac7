"""Structured logs: one JSON object per line on stderr, each with the request id.

A request's id is its ``X-Request-ID`` header when that is a sane token (letters, digits,
``._-``, at most 128), else a fresh one; it is echoed in the answer's ``X-Request-ID`` and
carried into every log line written while the request runs (a context variable). Jobs log
with their job id the same way.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("job_id", default=None)

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_STD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid, jid = request_id.get(), job_id.get()
        if rid:
            out["request_id"] = rid
        if jid:
            out["job_id"] = jid
        for key, value in vars(record).items():
            if key not in _STD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def configure(level: str = "INFO") -> None:
    """JSON lines on stderr for our loggers and uvicorn's (its access log is replaced by ours)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "rq.worker"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def uvicorn_log_config() -> dict:
    """uvicorn's logging, routed to our JSON handler instead of its own formatters."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }


class RequestContext:
    """ASGI middleware: request id in and out, one access log line per request."""

    def __init__(self, app, on_done=None) -> None:
        self.app, self.on_done = app, on_done
        self.log = logging.getLogger("verifier.service.access")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"]
                      if k == b"x-request-id"), "")
        rid = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id.set(rid)
        status = {"code": 500}
        start = time.perf_counter()

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            self.log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status["code"],
                    "duration_ms": round(elapsed * 1000, 1),
                    "role": scope["state"].get("role"),
                },
            )
            if self.on_done is not None:
                self.on_done(getattr(route, "path", "unmatched"), scope["method"],
                             status["code"], elapsed)
            request_id.reset(token)
