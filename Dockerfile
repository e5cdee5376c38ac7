# verifier: the document verification service for vehicle export escrow.
#   docker build -t verifier .
#   docker run -p 8080:8080 -v verifier-store:/var/lib/verifier \
#              -v "$PWD/tokens.json:/etc/verifier/tokens.json:ro" verifier   # serves (default)
#   docker run --rm -v "$PWD/docs:/data:ro" verifier verifier check /data --format json
# The service refuses to start without a tokens file (hashed bearer tokens, CONTRACT.md):
# mount one at /etc/verifier/tokens.json. deploy/compose.yaml runs it with MinIO and Redis.
# Base image pinned to an exact release (bookworm: Tesseract 5.3 from Debian).
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    OMP_THREAD_LIMIT=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-fra \
      tesseract-ocr-jpn tesseract-ocr-kor tesseract-ocr-osd libmagic1 \
      libtesseract-dev libleptonica-dev g++ pkg-config \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md cli.py ./
COPY verifier ./verifier
COPY extractors ./extractors
COPY checks ./checks
COPY fixtures ./fixtures
# tesserocr is built against the image's libtesseract: the same engine as its tesseract program
RUN pip install --no-cache-dir --no-binary tesserocr .

RUN useradd --create-home --uid 10001 verifier \
 && mkdir -p /var/lib/verifier/store /var/lib/verifier/state /etc/verifier \
 && chown -R verifier /var/lib/verifier
# The embedded default store and job table live on a volume; the tokens file is mounted.
# The store is named on the serve command, not in VERIFIER_STORE, so that `verifier check`
# in this image still stores nothing unless asked to.
ENV VERIFIER_STATE_DIR=/var/lib/verifier/state \
    VERIFIER_TOKENS_FILE=/etc/verifier/tokens.json
VOLUME ["/var/lib/verifier"]
USER verifier
WORKDIR /data

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"

CMD ["verifier", "serve", "--host", "0.0.0.0", "--port", "8080", "--store", "/var/lib/verifier/store"]
