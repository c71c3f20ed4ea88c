"""`cedar` commands of the store (registered on the app of cedar.cli; heavy modules imported inside each command)."""

from __future__ import annotations

from cedar.cli import app  # noqa: F401
