"""What the explorer says about a release: versions, column meanings from the codebook, example
queries, and the release's own pages (manifest, changes against the previous release, gate report)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from cedar.sample_data import seed_path
from cedar.schema import event_ids
from cedar.schema.model import Claim, Event, Source

from . import facts
from .catalog import Catalog, manifest
from .reader import Session

VIEWS = ("events", "event_actors", "claims", "sources", "actors", "changes", "deletions", "events_acled")
EXAMPLES = [
    {"title": "Events by country and type",
     "sql": "SELECT country, event_type, count(*) AS events FROM events GROUP BY ALL ORDER BY events DESC"},
    {"title": "Fatalities by month (reported only; events without a figure counted apart)",
     "sql": "SELECT date_trunc('month', event_date) AS month, count(*) AS events, sum(fatalities) AS fatalities, "
            "count(*) - count(fatalities) AS not_reported FROM events GROUP BY month ORDER BY month"},
    {"title": "Unverified events and who claims them",
     "sql": "SELECT event_id, event_date, sub_event_type, claimed_by, verification_note FROM events "
            "WHERE verification_status = 'unverified' ORDER BY event_date"},
    {"title": "Disputed claims, aspect by aspect",
     "sql": "SELECT event_id, aspect, claimant, stance, statement FROM claims WHERE status = 'disputed' "
            "ORDER BY event_id, claim_no"},
    {"title": "The most active actors", "sql": "SELECT actor, role, count(*) AS events FROM event_actors "
                                               "GROUP BY ALL ORDER BY events DESC LIMIT 20"},
]


@lru_cache(maxsize=1)
def meanings() -> dict[str, dict[str, str]]:
    """Each column's meaning, from the model the codebook is generated from."""
    def of(model: Any) -> dict[str, str]:
        return {n: f.description or "" for n, f in model.model_fields.items()}
    return {"events": of(Event), "claims": of(Claim), "sources": of(Source)}


def bundled_documents() -> list[Path]:
    """The folder of the bundled sample, whose article the demo release's sources name."""
    return [seed_path().parent]


def meta(s: Session, catalog: Catalog) -> dict[str, Any]:
    first, last, n = s.rows(f"SELECT min(event_date), max(event_date), count(*) FROM {facts.TABLE}")[1][0]
    return {"version": s.version, "versions": catalog.versions, "default": catalog.default,
            "first_date": first, "last_date": last, "events": n, "columns": meanings(),
            "views": [v for v in VIEWS if s.has(v)], "examples": EXAMPLES}


def _json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _gate(folder: Path) -> dict[str, Any] | None:
    """The gate's report, with its problems cut to the first 200."""
    report = _json_file(folder / "validation" / "results.json")
    if not isinstance(report, dict):
        return None
    out = {k: v for k, v in report.items() if not isinstance(v, list)}
    for k, v in report.items():
        if isinstance(v, list):
            out[k] = v[:200]
            out[f"{k}_count"] = len(v)
    return out


def release(s: Session) -> dict[str, Any]:
    """The release's manifest, its changes against the previous release (counts and the first 500),
    its deletions and the gate's report."""
    out: dict[str, Any] = {"version": s.version, "manifest": manifest(s.folder), "gate": _gate(s.folder)}
    if s.has("changes"):
        out["change_counts"] = dict(s.rows("SELECT change, count(*) FROM changes GROUP BY change ORDER BY change")[1])
        # in id order: a partitioned release's changes are files by year, read one after the other
        out["changes"] = s.dicts(f"SELECT * FROM changes ORDER BY {event_ids.order_sql()} LIMIT 500")
    if s.has("deletions"):
        out["deletions"] = s.dicts("SELECT * FROM deletions LIMIT 500")
    return out
