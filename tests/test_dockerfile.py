"""No Docker engine runs here: hold the Dockerfile to its promises by reading it."""

import re
from pathlib import Path

DOCKERFILE = (Path(__file__).parents[1] / "Dockerfile").read_text()


def _instructions(name: str) -> list[str]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    return [ln.split(None, 1)[1] for ln in joined.splitlines()
            if ln.strip().upper().startswith(name + " ")]


def test_base_image_is_pinned_to_an_exact_release():
    (base,) = _instructions("FROM")
    assert "@sha256:" in base or re.search(r":\d+\.\d+\.\d+-", base), base
    assert not base.endswith(":latest")


def test_tesseract_and_every_language_the_documents_need():
    run = " ".join(_instructions("RUN"))
    for pkg in ("tesseract-ocr", "tesseract-ocr-eng", "tesseract-ocr-chi-sim",
                "tesseract-ocr-fra", "tesseract-ocr-osd", "libmagic1"):
        assert re.search(rf"\b{re.escape(pkg)}\b", run), pkg


def test_tesserocr_is_built_against_the_images_own_tesseract():
    run = " ".join(_instructions("RUN"))
    assert re.search(r"\blibtesseract-dev\b", run) and re.search(r"\blibleptonica-dev\b", run)
    assert "--no-binary tesserocr" in run  # not the wheel, which bundles another build


def test_runs_as_a_non_root_user():
    users = _instructions("USER")
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_healthcheck_probes_the_served_health_endpoint():
    (check,) = _instructions("HEALTHCHECK")
    assert "/healthz" in check
    cmd = _instructions("CMD")[-1]
    assert "serve" in cmd and "8080" in cmd and "8080" in check


def test_the_image_installs_the_package_and_its_console_script():
    copies = " ".join(_instructions("COPY"))
    for part in ("pyproject.toml", "cli.py", "verifier", "extractors", "checks", "fixtures"):
        assert part in copies
    assert any("pip install" in r and "." in r for r in _instructions("RUN"))


def test_the_default_command_finds_its_store_state_and_tokens():
    # `verifier serve` refuses to start without a store and a tokens file: the image names
    # both (tokens are mounted; the store and job table live on a volume).
    # The store is on the command line, not in VERIFIER_STORE: `verifier check` in the image
    # must still store nothing unless asked to.
    cmd = _instructions("CMD")[-1]
    assert '"--store", "/var/lib/verifier/store"' in cmd
    envs = " ".join(_instructions("ENV"))
    assert "VERIFIER_TOKENS_FILE=" in envs and "VERIFIER_STATE_DIR=" in envs
    assert "VERIFIER_STORE" not in envs
    assert 'VOLUME ["/var/lib/verifier"]' in DOCKERFILE
