"""Shared fixtures: the bundled seed, copied into a temporary folder a test may change."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, SEED_SUBMISSION

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"


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


def pytest_sessionstart(session) -> None:
    # The importer tests read the real peer exports in ../shared/samples; without them they would
    # fail one by one with a missing file, so say once what is missing.
    if not (SAMPLES / "acled" / "acled-argentina-2022-06.csv").is_file():
        raise pytest.UsageError(f"The shared sample files are missing: expected them in {SAMPLES}.")
