"""The bundled sample: the seed article and its reference coding, shipped with the package."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent / "sample"
SEED_SUBMISSION = "karabakh-2023-09-19.json"
SEED_DOCUMENT = "karabakh-2023-09-19.txt"


def seed_path() -> Path:
    return SAMPLE_DIR / SEED_SUBMISSION
