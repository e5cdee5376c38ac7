#!/usr/bin/env bash
# The whole test suite: lint, the fast unit tests (fake OCR engine) and the integration suite
# on real Tesseract. Needs no server yet; any a later test needs is started here.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/python -m pytest -n 2 -q "$@"
