"""The bundled seed registry of actors (cedar/sample/actors.json): its entries, its digest, and
putting it into a store.

Kept apart from cedar.ingest.actors so that the store's `init` can seed a new store without
importing the registry module, which itself opens the store.
"""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

SEED_META = "actors_seed"  # store_meta key: the sha256 of the seed registry the store holds


def _seed_path() -> Path:
    return Path(str(files("cedar").joinpath("sample", "actors.json")))


def seed_entries() -> list[dict[str, Any]]:
    """The seed's actors as they are written: name, actor_type, country, aliases, first_year, last_year."""
    return json.loads(_seed_path().read_text(encoding="utf-8"))


def seed_digest() -> str:
    return hashlib.sha256(_seed_path().read_bytes()).hexdigest()


def seed_is_in(con: Any) -> bool:
    row = con.execute("SELECT value FROM store_meta WHERE key = ?", [SEED_META]).fetchone()
    return row is not None and row[0] == seed_digest()


def put_seed(con: Any) -> None:
    """The bundled seed registry into the store (inside the caller's transaction), unless it holds it
    already: new actors added, known ones gain the seed's aliases and keep everything else."""
    if seed_is_in(con):
        return
    con.execute("INSERT INTO store_meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [SEED_META, seed_digest()])
    for d in seed_entries():
        con.execute("""
            INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET
              aliases = list_distinct(list_concat(actors.aliases, excluded.aliases)),
              actor_type = coalesce(actors.actor_type, excluded.actor_type),
              country = coalesce(actors.country, excluded.country)
        """, [d["name"], d.get("actor_type"), d.get("country"), list(d.get("aliases") or []), d.get("first_year"),
              d.get("last_year")])
