"""Shared fixtures: the bundled seed, copied into a temporary folder a test may change, and the peer
datasets' files in tests/data (see its README.md)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, SEED_SUBMISSION

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
ACLED = DATA / "acled" / "acled-argentina-2023-03.csv"  # invented events in ACLED's current layout
ACLED_PRE2023 = DATA / "acled" / "acled-argentina-2023-03-pre2023-layout.csv"
ACLED_DELETED = DATA / "acled" / "acled-deleted-2023-04.csv"
GED = DATA / "ucdp" / "ged-myanmar.csv"
GDELT = DATA / "gdelt" / "20170701234500.export.tsv"
# ACLED's terms keep its real rows out of the repository: a real export, where it lies beside the
# repository, gives some tests extra cases.
REAL_ACLED = REPO.parent / "shared" / "samples" / "acled" / "acled-argentina-2022-06.csv"


def real_acled_or_skip() -> Path:
    if not REAL_ACLED.is_file():
        pytest.skip(f"the real ACLED export is not at {REAL_ACLED} (it may not be redistributed)")
    return REAL_ACLED


@pytest.fixture
def real_acled() -> Path:
    """The real ACLED export; the test is skipped without it."""
    return real_acled_or_skip()


@pytest.fixture(params=["invented", "real"])
def acled_file(request) -> Path:
    """An ACLED export in the current layout: the invented one always, the real one where it is there."""
    return ACLED if request.param == "invented" else real_acled_or_skip()


def data_rows(path: Path) -> int:
    """The number of records of a CSV file with a header row (quoted line breaks included)."""
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    for name in (SEED_SUBMISSION, SEED_DOCUMENT):
        shutil.copy(SAMPLE_DIR / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def seed_events() -> list[dict]:
    return json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8"))


def run_cedar(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command line in a child process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "cedar", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)

