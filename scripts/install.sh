#!/usr/bin/env bash
# Installs everything verifier needs on a fresh Debian/Ubuntu machine: Tesseract 5 with the
# languages the documents need and its library headers (tesserocr is built against them),
# libmagic, a virtual environment with the pinned Python packages (and the test tools), Redis
# (the job queue) and Chromium (headless checks of the HTML comparison). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-fra
      tesseract-ocr-jpn tesseract-ocr-kor tesseract-ocr-osd libmagic1 python3-venv
      libtesseract-dev libleptonica-dev g++ pkg-config
      redis-server chromium fonts-dejavu-core)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# tesserocr from source, against the libtesseract installed above (its wheel bundles another
# Tesseract build than the tesseract program the benchmarks compare with).
.venv/bin/python -m pip install -q --no-binary tesserocr -e ".[test]"
.venv/bin/python -c "import verifier, extractors, checks, fixtures, cli" 
echo "installed: $(tesseract --version 2>&1 | head -1); $(.venv/bin/verifier --help >/dev/null && echo 'verifier ok')"
