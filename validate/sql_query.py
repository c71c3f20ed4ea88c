"""The SQL engine's query: the row rules as one DuckDB query over a whole CSV file.

The type rules are read off the event model (kinds, vocabularies, ranges, patterns, required
columns), the cross-field rules come from their SQL forms in `cedar.schema.rules_sql`, keyed by
the codes of `rules.py`. DuckDB reads every column as VARCHAR, so that a bad cell is a finding and
not a failed read; each column is typed with TRY_CAST (behind a pattern where DuckDB accepts more
than Python does), and a cell that fails its type is NULL for the cross-field rules, as the row
engine leaves it out of the draft it checks.

The query gives one row per record: the column f of its findings ('code|column', comma-separated;
BLANK for a record with no content) and, on request, each row's place key (PLACE_KEY) for the
place pass (`cedar.validate.sql_places`) and more columns over the typed values.
"""

from __future__ import annotations

import csv
import datetime as dt
import typing
from pathlib import Path
from typing import Any

from cedar.schema import flat, rules_sql
from cedar.schema.model import FILLED_AT_CHECK, Event, required_fields, submission_required_fields
from cedar.schema.rules import RULES
from cedar.validate import repeats

_WS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # what Python's str.strip() removes


def _plain(raw: str) -> str:
    """True when a cell cannot start with whitespace (a cheap test on its first character)."""
    return f"ascii({raw}) BETWEEN 33 AND 127"


def _blank_text(raw: str) -> str:
    """A text cell as the row engine reads it: NULL when empty or all whitespace (Python's isspace).
    Trimming a set of characters is slow in DuckDB, so only a cell that starts with one pays for it."""
    return f"CASE WHEN {_plain(raw)} THEN {raw} WHEN trim({raw}, {quote(_WS)}) = '' THEN NULL ELSE {raw} END"


def _stripped(raw: str) -> str:
    """A cell stripped as Python's str.strip() does, NULL when nothing is left."""
    return (f"CASE WHEN {_plain(raw)} AND ascii(right({raw}, 1)) BETWEEN 33 AND 127 THEN {raw} "
            f"ELSE nullif(trim({raw}, {quote(_WS)}), '') END")


BLANK = "-"  # the finding column's mark for a row with no content (skipped, as the row engine does)


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literals(annotation: Any) -> tuple | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return None


def _constraints(name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in Event.model_fields[name].metadata:
        for key in ("ge", "le", "pattern"):
            if getattr(m, key, None) is not None:
                out[key] = getattr(m, key)
    return out


def _columns(header: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """SELECT items typing every column, and the (column, code-expression) type findings."""
    kinds = flat.column_kinds()
    required = set(submission_required_fields())  # the filled ones are required after the gazetteer: see build_query
    items: list[str] = []
    findings: list[tuple[str, str]] = []
    for name, kind in kinds.items():
        raw = ident(name) if name in header else "NULL::VARCHAR"
        if kind == flat.LIST:
            if name in LISTS_USED:  # the others are only split, and no rule can fault a CSV list's items
                items.append(f"{raw} AS r_{name}")
                items.append(f"CASE WHEN {raw} IS NULL THEN false WHEN {_plain(raw)} AND ascii({raw}) <> 59 THEN true "
                             f"ELSE len({list_items(raw)}) > 0 END AS has_{name}")
            continue
        if name not in header:
            items.append(f"NULL::VARCHAR AS s_{name}")
            items.append(f"NULL::{'VARCHAR' if kind == flat.TEXT else 'DOUBLE'} AS n_{name}")
            findings.append((name, "'missing-value'" if name in required else "NULL::VARCHAR"))
            continue
        if kind == flat.TEXT:
            s, bad = _blank_text(raw), _text_findings(name)
        else:
            value, bad = _typed_value(name, kind)
            s = _stripped(raw)
            items.append(f"{value} AS n_{name}")
        empty = "'missing-value'" if name in required else "NULL"  # empty target_kind: its default, in build_query
        code = f"CASE WHEN s_{name} IS NULL THEN {empty} {' '.join(bad)} END" if bad or empty != "NULL" \
            else "NULL::VARCHAR"
        items.append(f"{s} AS s_{name}")
        findings.append((name, code))
    return items, findings


def _text_findings(name: str) -> list[str]:
    """The WHEN branches of a text column's findings over its value s_<name>."""
    lits, cons = _literals(Event.model_fields[name].annotation), _constraints(name)
    bad = []
    if lits is not None:
        bad.append(f"WHEN s_{name} NOT IN ({', '.join(quote(v) for v in lits)}) THEN 'not-in-vocabulary'")
    if "pattern" in cons:
        pattern = cons["pattern"].removeprefix("^").removesuffix("$")
        bad.append(f"WHEN NOT regexp_full_match(s_{name}, {quote(pattern)}) THEN 'bad-format'")
    return bad


def _typed_value(name: str, kind: str) -> tuple[str, list[str]]:
    """A column's typed value n_<name> from its stripped text s_<name> (NULL when it fails its type), and
    the WHEN branches of its findings."""
    if kind == flat.INT:
        value = (f"CASE WHEN regexp_full_match(s_{name}, '[+-]?[0-9]+(\\.0*)?') "
                 f"AND length(s_{name}) <= {flat.MAX_INTEGER_TEXT} THEN TRY_CAST(s_{name} AS DOUBLE) END")
        bad = [f"WHEN n_{name} IS NULL THEN 'not-an-integer'"]
    elif kind == flat.FLOAT:
        value = f"TRY_CAST(s_{name} AS DOUBLE)"
        bad = [f"WHEN n_{name} IS NULL THEN 'not-a-number'"]
    elif kind == flat.DATE:
        value = (f"CASE WHEN regexp_full_match(s_{name}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                 f"AND NOT starts_with(s_{name}, '0000') THEN TRY_CAST(s_{name} AS DATE) "
                 f"WHEN regexp_full_match(s_{name}, '[0-9]{{8}}') AND NOT starts_with(s_{name}, '0000') "
                 f"THEN TRY_CAST(TRY_STRPTIME(s_{name}, '%Y%m%d') AS DATE) END")
        bad = [f"WHEN n_{name} IS NULL THEN 'not-a-date'"]
    elif kind == flat.TIMESTAMP:
        value = (f"CASE WHEN regexp_full_match(s_{name}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}([T ][0-9:.]+"
                 f"(Z|[+-][0-9]{{2}}:?[0-9]{{2}})?)?') THEN TRY_CAST(replace(s_{name}, 'Z', '+00:00') "
                 f"AS TIMESTAMPTZ) END")
        bad = [f"WHEN n_{name} IS NULL THEN 'not-a-timestamp'"]
    else:  # BOOL
        value = (f"CASE WHEN lower(s_{name}) IN ('true', 'yes', '1', 't', 'y') THEN true "
                 f"WHEN lower(s_{name}) IN ('false', 'no', '0', 'f', 'n') THEN false END")
        bad = [f"WHEN n_{name} IS NULL THEN 'not-a-boolean'"]
    lits, cons = _literals(Event.model_fields[name].annotation), _constraints(name)
    if lits is not None:
        bad.append(f"WHEN n_{name} NOT IN ({', '.join(str(v) for v in lits)}) THEN 'not-in-vocabulary'")
    if "ge" in cons or "le" in cons:
        lo = f"n_{name} < {cons['ge']}" if "ge" in cons else "false"
        hi = f"n_{name} > {cons['le']}" if "le" in cons else "false"
        bad.append(f"WHEN isnan(n_{name}) OR {lo} OR {hi} THEN 'out-of-range'")
    return value, bad


LISTS_USED = {n for forms in rules_sql.SQL_RULES.values() for _, c in forms for n in flat.column_kinds()
               if f"l_{n}" in c or f"has_{n}" in c}


def list_items(raw: str) -> str:
    """A list cell's items as the row engine reads them: split at ';', stripped, empty ones dropped."""
    return (f"CASE WHEN {raw} IS NULL THEN []::VARCHAR[] ELSE list_filter(list_transform(string_split({raw}, ';'), "
            f"lambda x: {_stripped('x')}), lambda x: x IS NOT NULL) END")


# Fields the gazetteer fills from a bare place name (both coordinates empty, a known iso3): on such a
# row their missing-value findings are the place pass's (cedar.schema.rules' fill rules decide them),
# elsewhere they are required as any other field.
PLACE_OWNED = tuple(f for f in required_fields() if f in FILLED_AT_CHECK
                     or any(f in RULES[c].columns for c in ("place-filled", "place-not-found")))
_FILL = "e_iso3 IS NULL AND iso3_known AND s_latitude IS NULL AND s_longitude IS NULL"

# The place key of a row (NULL iso3: no place rule can fire on it): its point, or for a row without
# coordinates the names the gazetteer resolves. A faulty iso3 or coordinate leaves the row out, as the
# row engine's rules skip it.
PLACE_KEY = {
    "k_iso3": "CASE WHEN e_iso3 IS NULL AND e_latitude IS NULL AND e_longitude IS NULL "
              "AND (v_latitude IS NULL) = (v_longitude IS NULL) THEN v_iso3 END",
    "k_lat": "v_latitude", "k_lon": "v_longitude", "k_admin1": "v_admin1",
    "k_location": "CASE WHEN v_latitude IS NULL THEN v_location END",
    "k_admin2": "CASE WHEN v_latitude IS NULL THEN v_admin2 END",
    "k_gp": "CASE WHEN v_latitude IS NULL THEN s_geo_precision IS NULL END",
}


def build_query(path: Path, header: list[str], today: dt.date, with_places: bool = False,
                also: tuple[str, ...] = ()) -> str:
    """The query of the findings column f, one row per record; with `with_places` each row's place key
    (`PLACE_KEY`) beside it, for the place rules (cedar.validate.sql_places); `also`: more SELECT items over the
    typed values (the store's event columns, sql_registry.event_columns). The rows come in file order
    on a connection that keeps insertion order (`SET preserve_insertion_order = true`): every step is a
    projection, the look-ups included (rules_sql.lookups), so DuckDB runs it on all threads and keeps
    the order. There is no record number column: numbering a whole file with a window runs on one
    thread, so a reader counts the rows as they come (sql_registry: the rowid of the table they fill)."""
    items, type_findings = _columns(header)
    kinds = flat.column_kinds()
    defaults = {n: f.default for n, f in Event.model_fields.items()
                if n in kinds and not f.is_required() and isinstance(f.default, str)}
    # typed values for the rules: NULL when empty or failed (target_kind's default stands in, as in the draft)
    typed = []
    for name, code in type_findings:
        src = f"s_{name}" if kinds[name] == flat.TEXT else f"n_{name}"
        value = f"CASE WHEN e_{name} IS NULL THEN {src} END"
        if name in defaults:
            value = f"coalesce({value}, {quote(defaults[name])})"
        typed.append(f"{code} AS e_{name}")
        typed.append(f"{value} AS v_{name}")
    parts = []
    for name, code in type_findings:
        if code == "NULL::VARCHAR":
            continue
        owned = f" AND NOT (fill_ AND e_{name} = 'missing-value')" if name in PLACE_OWNED else ""
        parts.append((f"e_{name} IS NOT NULL{owned}", f"e_{name} || '|{name}'"))
    for name in PLACE_OWNED:
        if name not in submission_required_fields():  # required once filled: missing when nothing fills it
            parts.append((f"s_{name} IS NULL AND NOT fill_", f"'missing-value|{name}'"))
    for code, forms in rules_sql.SQL_RULES.items():
        for field, condition in forms:
            guard = f"e_{field} IS NULL AND " if field in dict(type_findings) else ""
            condition = rules_sql.expand(condition, today.isoformat())
            for name in LISTS_USED:  # lists are split only where a condition reaches them
                condition = condition.replace(f"l_{name}", list_items(f"r_{name}"))
            parts.append((f"{guard}({condition})", f"'{code}|{field}'"))
    kinds_h = {h: kinds[h] for h in header}
    blank = "coalesce(" + ", ".join(f"s_{h}" if k != flat.LIST else _stripped(ident(h)) for h, k in kinds_h.items()) \
        + ") IS NULL"  # a list cell of ';' only is not blank to the row engine: close enough to be rare
    columns = "{" + ", ".join(f"{quote(h)}: 'VARCHAR'" for h in header) + "}"
    source = (f"read_csv({quote(str(path))}, header = true, delim = ',', quote = '\"', escape = '\"', "
              f"auto_detect = false, strict_mode = true, columns = {columns})")
    head = (f"a0 AS (SELECT * FROM {source}), "
            f"a1 AS (SELECT *, {', '.join(i for i in items if ' AS s_' in i)} FROM a0), "
            f"a AS (SELECT *, {', '.join(i for i in items if ' AS s_' not in i)}, {blank} AS blank_ FROM a1), "
            f"b AS (SELECT *, {', '.join(typed)} FROM a)")
    if with_places:
        head += f", b2 AS (SELECT *, {', '.join(f'{v} AS {k}' for k, v in PLACE_KEY.items())} FROM b)"
    first, second = rules_sql.lookups()
    query = (f"WITH {head}, c0 AS (SELECT *, {', '.join(first)} FROM {'b2' if with_places else 'b'}), "
             f"c1 AS (SELECT *, {', '.join(second)} FROM c0), "
             f"c AS (SELECT *, {_FILL} AS fill_ FROM c1) ")
    keys = "".join(f", {sql} AS k_{k}" for k, sql in repeats.key_sql(header).items())  # for values used twice
    found = ", ".join(f"CASE WHEN {cond} THEN {value} END" for cond, value in parts)
    if with_places:
        keys += "".join(f", {k}" for k in PLACE_KEY)
    return (query + f"SELECT CASE WHEN blank_ THEN '{BLANK}' ELSE nullif(concat_ws(',', {found}), '') END "
            f"AS f{keys}{''.join(', ' + a for a in also)} FROM c")


def csv_header(path: Path) -> list[str] | None:
    """The header's column names, or None when the header has a problem for the row engine to report."""
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        try:
            header = next(csv.reader(f, strict=True))
        except (StopIteration, csv.Error, UnicodeDecodeError):
            return None
    names = [h.strip() for h in header]
    known = set(flat.event_columns())
    if (len(names) < 2 or len(set(names)) != len(names) or any(n not in known for n in names)
            or any(n != h for n, h in zip(names, header))
            or not set(required_fields()) <= set(names)):
        return None
    return names


def _covered(code: str) -> bool:
    return (code in rules_sql.SQL_RULES or code in rules_sql.PER_DISTINCT or code in rules_sql.NEEDS_REGISTRY)


def missing_forms() -> list[str]:
    """Error rules with a Python check and no SQL form: while there is one, the engine takes no file
    (a rule only the row engine knows would go unchecked). Warnings without a form are left out of
    the SQL engine's report, which says so (`rules_not_run`)."""
    return [code for code, r in RULES.items() if r.check is not None and not _covered(code)
            and getattr(r, "severity", "error") == "error"]


def warnings_without_form() -> list[str]:
    return [code for code, r in RULES.items() if r.check is not None and getattr(r, "severity", "error") != "error"
            and (not _covered(code) or code in rules_sql.NEEDS_REGISTRY)]
