"""Shared fixtures: one generated set of transactions per test session, and the real corpus.

Under pytest-xdist every worker builds its own copy of the generated set (about 5 s for three
transactions); the generator is seeded, so every copy has the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from fixtures.generate import generate_set

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "fixtures" / "sample" / "TX-SAMPLE"
CORPUS = REPO.parent / "shared" / "corpus"

GEN_SEED = 1234
GEN_COUNT = 3
GENERATED = tuple(f"TX-{GEN_SEED}-{i:04d}" for i in range(1, GEN_COUNT + 1))
# Every golden transaction: the committed sample and the generated set.
TRANSACTIONS = ("TX-SAMPLE", *GENERATED)


def truth_path(folder: Path) -> Path:
    """The ground truth the generator wrote beside a transaction folder."""
    return folder.with_name(folder.name + ".truth.json")


def load_truth(folder: Path) -> dict:
    return json.loads(truth_path(folder).read_text(encoding="utf-8"))


def as_of(folder: Path) -> dt.datetime:
    """The moment a generated transaction is checked at: its shipment day. Its documents
    were issued before and are valid then; checked years later, its certificates expired."""
    day = load_truth(folder)["transaction"]["shipped_on_board_date"]
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory) -> Path:
    """A folder holding TX-1234-0001..0003 and their .truth.json files."""
    out = tmp_path_factory.mktemp("tx")
    folders = generate_set(out, count=GEN_COUNT, seed=GEN_SEED)
    assert [f.name for f in folders] == list(GENERATED)
    return out


@pytest.fixture(scope="session")
def transaction_folders(generated_dir) -> dict[str, Path]:
    """Every golden transaction by name: the committed sample and the generated ones."""
    return {"TX-SAMPLE": SAMPLE, **{name: generated_dir / name for name in GENERATED}}


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """``../shared/corpus`` beside the repository; the test is skipped only when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is absent: {CORPUS} does not exist")
    return CORPUS
