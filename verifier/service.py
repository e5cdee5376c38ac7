"""The HTTP service (``verifier serve``): health and readiness for now.

``/healthz`` answers while the process lives; ``/readyz`` says whether this replica can do its
work (Tesseract and its languages present). The escrow endpoints of the contract, their
tokens and roles come with the service issue; nothing here pretends to be them.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from verifier.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="verifier", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        from extractors.ocr import OcrError, available_languages

        try:
            have = set(available_languages())
        except OcrError as exc:
            return JSONResponse({"ready": False, "tesseract": str(exc)}, status_code=503)
        missing = sorted(set(settings.ocr.languages.split("+")) - have)
        ok = not missing
        return JSONResponse(
            {"ready": ok, "tesseract_languages": sorted(have), "missing_languages": missing},
            status_code=200 if ok else 503,
        )

    return app


def serve(host: str, port: int, settings: Settings | None = None) -> None:
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
