"""The gate's DuckDB SQL as Spark SQL: the queries of the suite (cedar.validate.expectations) and of
their failing rows (cedar.validate.failing_rows), translated for the gate on Spark (cedar.validate.gx_spark).

The suite's queries are Cedar's own and use a small part of DuckDB's SQL; each construct has its
Spark form here, and `translate` refuses a query in which a DuckDB-only construct is left, so a new
query fails its test instead of running differently on Spark:
  "column"                   -> `column`      (double quotes are text to Spark, names to DuckDB)
  '...\\...'                 -> '...\\\\...'  (Spark reads backslashes in text as escapes)
  regexp_full_match(a, 'p')  -> (a RLIKE '^(?:p)$')  (RLIKE finds a match anywhere: anchored)
  list_transform(l, lambda x: e), list_contains(l, v), []::VARCHAR[]
                             -> transform(l, x -> e), array_contains(l, v), an empty array<string>
  x.id NOT IN (SELECT id FROM t)
                             -> x.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM t WHERE ...): a hash anti
                                join (NOT IN is a null-aware join that Spark runs as a nested loop once
                                the table is too large to broadcast)
  (a, b) IN (SELECT (a, b) FROM ...)  -> (a, b) IN (SELECT a, b FROM ...)
"""

from __future__ import annotations

import re

# What must not be left in a translated query.
DUCKDB_ONLY = ("regexp_full_match", "list_transform", "list_contains", "lambda ", "::", "TRY_CAST")


def _split(sql: str) -> list[tuple[bool, str]]:
    """The query as pieces, each (is_text_literal, piece); a literal keeps its quotes."""
    pieces: list[tuple[bool, str]] = []
    i, start = 0, 0
    while i < len(sql):
        if sql[i] == "'":
            if i > start:
                pieces.append((False, sql[start:i]))
            j = i + 1
            while j < len(sql):
                if sql[j] == "'" and j + 1 < len(sql) and sql[j + 1] == "'":
                    j += 2
                    continue
                if sql[j] == "'":
                    break
                j += 1
            pieces.append((True, sql[i:j + 1]))
            i = start = j + 1
            continue
        i += 1
    if start < len(sql):
        pieces.append((False, sql[start:]))
    return pieces


def _literal(piece: str) -> str:
    """A DuckDB text literal as Spark reads the same text: '' stays (Spark reads it as one quote),
    backslashes are doubled."""
    return piece.replace("\\", "\\\\")


def _names(code: str) -> str:
    return re.sub(r'"((?:[^"]|"")*)"', lambda m: "`" + m.group(1).replace('""', '"').replace("`", "``") + "`", code)


def _regexp_full_match(sql: str) -> str:
    """regexp_full_match(<name>, '<pattern>') as RLIKE anchored at both ends (the pattern stays a
    literal: it is anchored inside its quotes)."""
    def repl(m: re.Match[str]) -> str:
        return f"({m.group(1)} RLIKE '^(?:{m.group(2)})$')"
    return re.sub(r"regexp_full_match\(([^,()]+), '((?:[^']|'')*)'\)", repl, sql)


def translate(sql: str) -> str:
    """`sql` (DuckDB, as the gate's suite and failing rows write it) in Spark SQL."""
    sql = _regexp_full_match(sql)
    sql = re.sub(r"(\w+)\.(\w+) NOT IN \(SELECT (\w+) FROM ([\w{}]+)\)",
                 r"\1.\2 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \4 in_batch WHERE in_batch.\3 = \1.\2)", sql)
    sql = re.sub(r"IN \(SELECT \(([^()]*)\) FROM", r"IN (SELECT \1 FROM", sql)
    out = []
    for is_text, piece in _split(sql):
        if is_text:
            out.append(_literal(piece))
            continue
        piece = _names(piece)
        piece = piece.replace("[]::VARCHAR[]", "CAST(array() AS ARRAY<STRING>)")
        piece = re.sub(r"\blist_transform\(", "transform(", piece)
        piece = re.sub(r"\blambda (\w+): ", r"\1 -> ", piece)
        piece = re.sub(r"\blist_contains\(", "array_contains(", piece)
        out.append(piece)
    translated = "".join(out)
    code = "".join(p for is_text, p in _split(translated) if not is_text)
    left = [c for c in DUCKDB_ONLY if c in code]
    if left:
        raise ValueError(f"no Spark SQL for {', '.join(left)} in: {sql}")
    return translated


def natural_order(column: str = "event_id") -> str:
    """Spark SQL ORDER BY terms for the natural order of event ids (cedar.schema.event_ids.natural_key)."""
    return (f"regexp_replace({column}, '[0-9]+$', ''), CAST(regexp_extract({column}, '([0-9]+)$', 1) AS BIGINT), "
            f"{column}")
