"""The SQL forms of the cross-field rules of `rules.py`, for the vectorised engine
(`cedar.validate.sql_engine`), keyed by the same codes.

Each rule with a Python check has an entry here: a list of (column the finding is reported on,
condition), where a condition is DuckDB SQL over the row's typed values `v_<column>` (NULL when
the cell is empty or failed its type rule, exactly the None the Python check sees) and, for list
columns, `l_<column>` (the items as a VARCHAR[]). `{name}` placeholders are filled from the
vocabularies by `expand`. Country look-ups are columns the engine computes by `lookups()`:
`iso3_known` (iso3 is an assigned code), `country_named` (country is one of its names,
compared case-folded), `region_of_iso3` (ACLED's region of iso3), `actor1_forces_home` and
`actor1_forces_known` (actor1 names a state's forces of iso3's country, of any known country; the
same for actor2) and the
taxonomy's are `type_of_sub`, `disorder_of_sub` (of v_sub_event_type) and `disorder_of_type` (of
v_event_type). `has_<list column>` is true when the list has an item: cheaper than `len(l_<column>)`,
which the engine computes only for the rows a condition reaches. Type rules (vocabularies, ranges,
patterns, required columns) need no entry: the engine reads them off the model, as the row engine's Pydantic model does.

An empty list marks a rule that cannot fire in a file the SQL engine accepts (a CSV without
companion tables, so sources carry no scale or document and there are no claims); the reason is
in NO_SQL_FORM. `test_engines_differential.py` holds the two forms to the same findings, and
`test_every_rule_has_a_sql_form` fails when a rule is declared without one.
"""

from __future__ import annotations

from functools import lru_cache

from . import countries, licences, rules_conventions, vocab
from .regions import region_of

_ARMED = ", ".join(str(i) for i in sorted(vocab.ARMED_ACTOR_TYPES))

SQL_RULES: dict[str, list[tuple[str, str]]] = {
    "sub-event-not-in-type": [
        ("sub_event_type", "v_event_type IS NOT NULL AND v_sub_event_type IS NOT NULL "
                           "AND type_of_sub <> v_event_type")],
    "disorder-type-mismatch": [
        ("disorder_type", "v_disorder_type IS NOT NULL AND v_sub_event_type IS NOT NULL "
                          "AND v_disorder_type <> disorder_of_sub")],
    "interaction-mismatch": [
        ("interaction", "v_interaction IS NOT NULL AND v_inter1 IS NOT NULL AND v_interaction <> "
                        "CASE WHEN coalesce(v_inter2, 0) = 0 THEN 10 * v_inter1 "
                        "ELSE 10 * least(v_inter1, v_inter2) + greatest(v_inter1, v_inter2) END")],
    "civilian-targeting-mismatch": [
        ("civilian_targeting", "v_civilian_targeting IS NOT NULL AND v_event_type IS NOT NULL AND "
                               "v_civilian_targeting <> (disorder_of_type = 'Political violence' "
                               "AND v_target_kind = 'civilians')")],
    "source-scale-mismatch": [],
    "licence-mismatch": [
        ("licensor", f"v_licensor IS NOT NULL AND v_licensor <> {licences.licensor_sql('l_external_ids')}"),
        ("licence", f"v_licence IS NOT NULL AND v_licence <> "
                    f"{licences.licence_sql(licences.licensor_sql('l_external_ids'))}")],
    "end-before-start": [("event_date_end", "v_event_date_end < v_event_date")],
    "span-needs-end": [("event_date_end", "v_date_precision = 'span' AND v_event_date_end IS NULL")],
    "date-in-future": [("event_date", "v_event_date > {today}"), ("event_date_end", "v_event_date_end > {today}")],
    "fatalities-out-of-order": [
        ("fatalities_low", "v_fatalities_low > v_fatalities_high OR v_fatalities_low > v_fatalities"),
        ("fatalities_high", "NOT coalesce(v_fatalities_low > v_fatalities_high OR v_fatalities_low > v_fatalities, "
                            "false) AND v_fatalities > v_fatalities_high")],
    "protest-with-fatalities": [("fatalities", "v_sub_event_type = 'Peaceful protest' AND v_fatalities <> 0")],
    "battle-needs-two-armed-actors": [
        ("inter1", f"v_event_type = 'Battles' AND v_inter1 NOT IN ({_ARMED})"),
        ("actor2", "v_event_type = 'Battles' AND v_actor2 IS NULL"),
        ("inter2", f"v_event_type = 'Battles' AND v_actor2 IS NOT NULL AND v_inter2 NOT IN ({_ARMED})")],
    "violence-against-civilians-needs-civilian-target": [
        ("target_kind", "v_event_type = 'Violence against civilians' AND v_target_kind <> 'civilians'"),
        ("inter2", "v_event_type = 'Violence against civilians' AND v_target_kind = 'civilians' "
                   "AND v_actor2 IS NOT NULL AND v_inter2 <> 7")],
    "protest-actor1-not-protesters": [("inter1", "v_event_type = 'Protests' AND v_inter1 <> 6")],
    "riot-actor1-not-rioters": [("inter1", "v_event_type = 'Riots' AND v_inter1 <> 5")],
    "protest-intervention-needs-force": [
        ("actor2", f"v_sub_event_type IN {rules_conventions.INTERVENTIONS!r} AND v_actor2 IS NULL")],
    "state-actor-without-period": [
        (c, f"regexp_matches(v_{c}, '{rules_conventions.STATE_ACTOR}') "
            f"AND NOT regexp_matches(v_{c}, '{rules_conventions.PERIOD}')") for c in ("actor1", "actor2")],
    "state-forces-type-by-country": [
        (f"inter{i}", f"v_iso3 IS NOT NULL AND iso3_known AND ((v_inter{i} = 8 AND actor{i}_forces_home) "
                      f"OR (v_inter{i} = 1 AND NOT actor{i}_forces_home AND actor{i}_forces_known))") for i in (1, 2)],
    "second-actor-type-without-actor": [
        ("inter2", "(v_actor2 IS NULL AND coalesce(v_inter2, 0) <> 0) "
                   "OR (v_actor2 IS NOT NULL AND coalesce(v_inter2, 0) = 0)")],
    "unknown-country": [("iso3", "v_iso3 IS NOT NULL AND NOT iso3_known")],
    "iso3-country-mismatch": [("country", "v_country IS NOT NULL AND iso3_known AND NOT country_named")],
    "region-mismatch": [("region", "v_region IS NOT NULL AND iso3_known AND v_region <> region_of_iso3")],
    "missing-source": [("sources", "NOT has_sources")],
    "document-not-found": [],
    "document-hash-mismatch": [],
    "evidence-too-short": [],
    "evidence-not-in-document": [],
    "verified-without-basis": [
        ("verification_basis",
         "v_verification_status = 'verified' AND (v_verification_basis IS NULL "
         "OR (v_verification_basis = 'independent-sources' AND len(list_distinct(l_sources)) < 2) "
         "OR (v_verification_basis = 'actor-acknowledgement' AND NOT has_claimed_by) "
         "OR (v_verification_basis = 'actor-acknowledgement' AND has_sources AND list_has_all("
         "list_transform(l_claimed_by, lambda x: lower(x)), list_transform(l_sources, lambda x: lower(x)))))")],
    "disputed-needs-both-sides": [
        ("claimed_by", "v_verification_status = 'disputed' AND NOT has_claimed_by"),
        ("denied_by", "v_verification_status = 'disputed' AND has_claimed_by AND NOT has_denied_by")],
    "separator-in-list-item": [],
}

# Rules that look a row up in the gazetteer (nearest places, place names) have no SQL form: the engine
# works them out once per distinct place of the file (its columns are named here), the points all at
# once in numpy over one k-d tree query (cedar.schema.places.point_verdicts) and the bare place names
# by the rules' own Python checks, and joins the findings back to the rows.
PER_DISTINCT: dict[str, tuple[str, ...]] = {
    "place-filled": ("iso3", "location", "admin1", "admin2", "latitude", "longitude", "geo_precision"),
    "place-not-found": ("iso3", "location", "admin1", "admin2", "latitude", "longitude"),
    "point-outside-country": ("iso3", "latitude", "longitude"),
    "admin1-mismatch": ("iso3", "admin1", "latitude", "longitude"),
    "point-maybe-outside-country": ("iso3", "latitude", "longitude"),
    "point-far-from-places": ("iso3", "latitude", "longitude"),
}

# Rules that need the store's actor registry: `cedar check` with a store runs the row engine, so the SQL
# engine, which checks without one, never has to answer for them.
NEEDS_REGISTRY: tuple[str, ...] = ("actor-alias-replaced", "unknown-actor", "actor-type-contradicts-registry")

NO_SQL_FORM: dict[str, str] = {
    "source-scale-mismatch": "sources carry a scale only in a companion sources table",
    "document-not-found": "source documents are named only in a companion sources table",
    "document-hash-mismatch": "source documents are named only in a companion sources table",
    "evidence-too-short": "evidence is located only in documents of a companion sources table",
    "evidence-not-in-document": "evidence is compared only with documents of a companion sources table",
    "separator-in-list-item": "a CSV list cell is split at ';', so no item read from CSV contains one or is empty",
}


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@lru_cache(maxsize=None)
def lookups() -> tuple[list[str], list[str]]:
    """SELECT items of the look-ups the country and taxonomy rules use, in two steps (the second reads
    the first's): `iso3_known`, `country_named` (pairs 'ISO|name', the name case-folded),
    `region_of_iso3`, `type_of_sub`, `disorder_of_sub` and `disorder_of_type`.

    Each vocabulary is an inline ENUM: casting to it is a hash look-up, and its code indexes a list of
    what the value maps to. Joins against look-up tables would do the same, but DuckDB's hash joins
    give up the file's row order, which the engine keeps to number records without a window (a
    window over a whole file runs on one thread)."""
    def enum(values: list[str]) -> str:
        return "ENUM(" + ", ".join(_q(v) for v in values) + ")"

    def listed(values: list[str | None]) -> str:
        return "[" + ", ".join(_q(v) if v is not None else "NULL" for v in values) + "]"

    names = countries._names_by_code()
    codes = sorted(names)
    pairs = [f"{code}|{n}" for code, ns in sorted(names.items()) for n in sorted(ns)]
    subs = list(vocab.ALL_SUB_EVENT_TYPES)
    types = list(vocab.DISORDER_OF_EVENT_TYPE)
    every_name = sorted({n for ns in names.values() for n in ns})
    forces = []
    for i in (1, 2):  # the country a state force of actor1 or actor2 is named for: the event's, or another's
        named = f"lower(regexp_extract(v_actor{i}, {_q(rules_conventions.FORCES)}, 1))"
        forces += [f"TRY_CAST(v_iso3 || '|' || {named} AS {enum(pairs)}) IS NOT NULL AS actor{i}_forces_home",
                   f"TRY_CAST({named} AS {enum(every_name)}) IS NOT NULL AS actor{i}_forces_known"]
    first = [
        *forces,
        f"enum_code(TRY_CAST(v_iso3 AS {enum(codes)})) + 1 AS i_iso3",
        f"TRY_CAST(v_iso3 || '|' || lower(v_country) AS {enum(pairs)}) IS NOT NULL AS country_named",
        f"enum_code(TRY_CAST(v_sub_event_type AS {enum(subs)})) + 1 AS i_sub",
        f"enum_code(TRY_CAST(v_event_type AS {enum(types)})) + 1 AS i_type",
    ]
    second = [
        "i_iso3 IS NOT NULL AS iso3_known",
        f"{listed([region_of(c) for c in codes])}[i_iso3] AS region_of_iso3",
        f"{listed([vocab.EVENT_TYPE_OF[s] for s in subs])}[i_sub] AS type_of_sub",
        f"{listed([vocab.disorder_type_of(s) for s in subs])}[i_sub] AS disorder_of_sub",
        f"{listed([vocab.DISORDER_OF_EVENT_TYPE[t] for t in types])}[i_type] AS disorder_of_type",
    ]
    return first, second


def expand(condition: str, today: str) -> str:
    """A condition with its vocabularies filled in; `today` as ISO text."""
    return condition.format(today=f"DATE '{today}'")
