"""Derived fields: computed from what the contributor codes, never typed by hand.

A submitted derived value must agree with these (see the *-mismatch rules); `complete` fills
in what was left empty.
"""

from __future__ import annotations

from typing import Any

from . import licences, vocab
from .model import SCHEMA_VERSION


def civilian_targeting(event_type: str, target_kind: str | None) -> bool:
    """Civilians as the target of political violence (ACLED's civilian_targeting flag)."""
    return vocab.DISORDER_OF_EVENT_TYPE[event_type] == "Political violence" and target_kind == "civilians"


def source_scale(sources: list[Any]) -> str | None:
    """The distinct scales of the sources, in codebook order, joined with '-' (ACLED's style)."""
    scales = {s.scale for s in sources if s.scale}
    return "-".join(s for s in vocab.SOURCE_SCALES if s in scales) or None


def complete(data: dict[str, Any], sources: list[Any]) -> dict[str, Any]:
    """The event's fields with every derived field filled in."""
    out = dict(data)
    out["disorder_type"] = vocab.disorder_type_of(out["sub_event_type"])
    out["interaction"] = vocab.interaction_of(out["inter1"], out.get("inter2"))
    out["civilian_targeting"] = civilian_targeting(out["event_type"], out.get("target_kind"))
    # Sources named only in a flat row carry no scale: the row's own source_scale stands then.
    out["source_scale"] = source_scale(sources) or out.get("source_scale")
    if out.get("inter2") is None:
        out["inter2"] = 0
    out["schema_version"] = out.get("schema_version") or SCHEMA_VERSION
    out["licensor"] = licences.licensor_of(out.get("external_ids"))
    out["licence"] = licences.licence_of(out["licensor"])
    return out


# `complete`'s derivations in DuckDB SQL, over the vectorised engine's typed values (`v_<column>`, and its
# taxonomy look-ups `disorder_of_sub`, `disorder_of_type`): cedar.ingest.stage_csv stages a large CSV with
# them, and tests/test_ingest_fast_differential.py holds them equal to `complete`. (source_scale needs no
# form there: sources read from a CSV carry no scale, so the row's own value stands.)
SQL = {
    "disorder_type": "disorder_of_sub",
    "interaction": "CASE WHEN coalesce(v_inter2, 0) = 0 THEN 10 * v_inter1 "
                   "ELSE 10 * least(v_inter1, v_inter2) + greatest(v_inter1, v_inter2) END",
    "civilian_targeting": "coalesce(disorder_of_type = 'Political violence' AND v_target_kind = 'civilians', false)",
    "inter2": "coalesce(v_inter2, 0)",
    "schema_version": f"coalesce(v_schema_version, '{SCHEMA_VERSION}')",
    # l_external_ids: the list's items (the engine substitutes its split of the raw cell)
    "licensor": licences.licensor_sql("l_external_ids"),
    "licence": licences.licence_sql(licences.licensor_sql("l_external_ids")),
}
