"""The SQL engine's place pass: the rules that ask the gazetteer (rules_sql.PER_DISTINCT), worked
out once per distinct place key of a file.

The query streams each row's place key (sql_query.PLACE_KEY) beside its findings, and each run of
batches' new keys are judged together: the points all at once in numpy, the bare place names by the
row engine's own rules. A row with both coordinates empty and a known iso3 gets its coordinates
from its place name, as in the row engine, so latitude, longitude and geo_precision are required
only where nothing fills them.

numpy and pyarrow are imported where they are used, and the gazetteer's data is loaded on first
use: a check of a small file by the row engine imports this module without paying for them.
"""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

from cedar.schema import rules_sql
from cedar.schema.countries import is_iso3
from cedar.schema.gazetteer import gazetteer
from cedar.schema.model import Event
from cedar.schema.places import cells, point_verdicts
from cedar.schema.rules import Context, cross_field_rules, filling_rules
from cedar.validate.report import Problem
from cedar.validate.rows import run_rule
from cedar.validate.sql_query import PLACE_KEY, PLACE_OWNED


def warm_places() -> Any:
    """Load what the place pass needs (numpy, the gazetteer, its k-d tree: about 0.13 s) on a thread
    while DuckDB reads the file: its threads run without the GIL, so the loading mostly takes no
    wall time. The caller joins the thread before the first place pass."""

    def load() -> None:
        try:
            gazetteer().tree  # noqa: B018 (built on first use)
        except BaseException:  # the place pass loads it again and says what went wrong, without a thread's traceback
            pass

    thread = threading.Thread(target=load, name="cedar-places", daemon=True)
    thread.start()
    return thread


# Rows judged together by one place pass: each pass costs a few hundredths of a second however small
# (a k-d tree query, the admin1 look-ups), and DuckDB hands a 100,000-row file over in five batches.
PLACE_RUN = 250_000


def place_pass(run: list[Any], start: int, warm: Any, known: dict[tuple, list[str]], today: dt.date,
               out: list[tuple[int, str, str]]) -> None:
    """The place rules over these batches of place keys (the first row's record number `start`), once
    the loading thread has finished."""
    import pyarrow as pa

    if warm is not None:
        warm.join()
    _place_items(pa.concat_batches(run) if len(run) > 1 else run[0], start, known, today, out)


def _place_items(batch: Any, start: int, known: dict[tuple, list[str]], today: dt.date,
                 out: list[tuple[int, str, str]]) -> None:
    """The place rules (rules_sql.PER_DISTINCT) for a run of rows (`start`: its first row's record number),
    added to `out` for every row they fire on. A row with a point is judged once per distinct (iso3,
    point, admin1) of the run, all at once in numpy (places.point_verdicts); a row without one, once per
    distinct place key through the row engine's rules (`known` keeps those across runs)."""
    import numpy as np
    import pyarrow.compute as pc

    iso3 = batch.column("k_iso3")
    size = len(iso3)
    if iso3.null_count == size:
        return
    # rows of an assigned iso3 (asked once per distinct code), with and without a point; numpy, not
    # pyarrow.array or to_numpy, which import pandas (0.17 s) to see whether they were given a frame
    encoded = pc.dictionary_encode(iso3, null_encoding="encode")  # (pc.fill_null with an int imports it too)
    assigned = np.array([v is not None and is_iso3(v) for v in encoded.dictionary.to_pylist()], dtype=bool)
    country = assigned[_numbers(encoded.indices)]
    has_point = np.zeros(size, dtype=bool)
    has_point[_numbers(pc.indices_nonzero(pc.is_valid(batch.column("k_lat"))))] = True
    points, named = np.flatnonzero(country & has_point), np.flatnonzero(country & ~has_point)
    if len(points):
        at = _arrow(points)
        iso3s, admin1s = batch.column("k_iso3").take(at), batch.column("k_admin1").take(at)
        lats, lons = cells(_floats(batch.column("k_lat").take(at))), cells(_floats(batch.column("k_lon").take(at)))
        # one verdict per cell: a cell's hundredths of a degree, as one whole number, are its code
        cell = (np.rint(lats * 100).astype(np.int64) + 9000) * 36001 + np.rint(lons * 100).astype(np.int64) + 18000
        group, first = _groups([iso3s, (cell, 18001 * 36001), admin1s])
        firsts = _arrow(first)
        verdicts = point_verdicts(iso3s.take(firsts).to_pylist(), lats[first], lons[first],
                                  admin1s.take(firsts).to_pylist())
        fired = np.zeros(len(first), dtype=bool)
        for hits in verdicts.values():
            fired |= hits
        for i in np.flatnonzero(fired[group]).tolist():
            g = group[i]
            for code, hits in verdicts.items():
                if hits[g]:
                    out.append((start + int(points[i]), code, "admin1" if code == "admin1-mismatch" else "latitude"))
    if not len(named):
        return
    names = list(PLACE_KEY)
    group, first = _groups([batch.column(n).take(_arrow(named)) for n in names])
    cols = [batch.column(n).take(_arrow(named[first])).to_pylist() for n in names]
    keys = list(zip(*cols))
    new = [j for j, k in enumerate(keys) if k not in known]
    if new:
        if len(known) + len(new) > 200_000:
            known.clear()  # bounded: a file of distinct places does not grow the process
        codes = place_codes({n: [c[j] for j in new] for n, c in zip(names, cols)}, today)
        for j, found in zip(new, codes):
            known[keys[j]] = found
    hit = [j for j, k in enumerate(keys) if known[k]]
    if not hit:
        return
    for i in np.flatnonzero(np.isin(group, hit)).tolist():
        for item in known[keys[group[i]]]:
            code, field = item.split("|")
            out.append((start + int(named[i]), code, field))


def _floats(array: Any) -> Any:
    """An Arrow array of doubles without nulls as a numpy array over its buffer (see `_numbers`)."""
    import numpy as np

    return np.frombuffer(array.buffers()[1], dtype=np.float64, count=len(array), offset=array.offset * 8)


def _numbers(array: Any) -> Any:
    """An Arrow array of whole numbers without nulls as a numpy int64 array (Array.to_numpy imports
    pandas, a quarter of a second that `cedar check` does not need)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pc.cast(array, pa.int64())
    return np.frombuffer(array.buffers()[1], dtype=np.int64, count=len(array), offset=array.offset * 8)


def _arrow(numbers: Any) -> Any:
    """A numpy int64 array as an Arrow array, without the pandas check pyarrow makes on numpy input."""
    import numpy as np
    import pyarrow as pa

    numbers = np.ascontiguousarray(numbers, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(numbers), [None, pa.py_buffer(numbers)])


def _groups(columns: list[Any]) -> tuple[Any, Any]:
    """Rows grouped by their values in these Arrow columns (nulls alike) or (codes, bound) pairs: each row's
    group, and the first row of each group. Each column becomes dictionary codes and the codes are combined a column
    at a time, made dense again (a sort) only when the next column could take the key past 62 bits
    (and no Acero: its import alone took 0.4 s)."""
    import numpy as np
    import pyarrow.compute as pc

    first_column = columns[0][0] if isinstance(columns[0], tuple) else columns[0]
    key = np.zeros(len(first_column), dtype=np.int64)
    bound = 1  # key < bound
    for col in columns:
        if isinstance(col, tuple):  # (codes, how many there can be): already whole numbers
            indices, width = col
        else:
            codes = pc.dictionary_encode(col, null_encoding="encode")
            codes = codes.combine_chunks() if hasattr(codes, "combine_chunks") else codes
            width, indices = len(codes.dictionary), _numbers(codes.indices)
        if width > 1:
            if bound * width >= 1 << 62:
                _, key = np.unique(key, return_inverse=True)
                bound = int(key.max()) + 1
            key = key * width + indices
            bound *= width
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    return group, first


def place_codes(cols: dict[str, list[Any]], today: dt.date) -> list[list[str]]:
    """'code|field' findings of the place rules for each place key: the points all at once (places.
    point_verdicts: one k-d tree query, numpy); a key without coordinates through the row engine's own
    fill and place rules."""
    import numpy as np

    n = len(cols["k_iso3"])
    codes: list[list[str]] = [[] for _ in range(n)]
    assigned = {c: is_iso3(c) for c in set(cols["k_iso3"])}
    known = [assigned[c] for c in cols["k_iso3"]]
    points = [r for r in range(n) if known[r] and cols["k_lat"][r] is not None]
    if points:
        verdicts = point_verdicts([cols["k_iso3"][r] for r in points], cells([cols["k_lat"][r] for r in points]),
                                  cells([cols["k_lon"][r] for r in points]), [cols["k_admin1"][r] for r in points])
        for code, fired in verdicts.items():
            field = "admin1" if code == "admin1-mismatch" else "latitude"
            for i in np.flatnonzero(fired).tolist():
                codes[points[i]].append(f"{code}|{field}")
    for r in range(n):
        if known[r] and cols["k_lat"][r] is None:
            codes[r] = _named_place_findings(cols["k_iso3"][r], cols["k_admin1"][r], cols["k_location"][r],
                                             cols["k_admin2"][r], cols["k_gp"][r], today)
    return codes


def _named_place_findings(iso3: str, admin1: str | None, location: str | None, admin2: str | None,
                          gp_empty: bool, today: dt.date) -> list[str]:
    """What the row engine finds on a row without coordinates and with these names: its fill rules, the
    required fields they own, then the place rules on the point filled in."""
    draft = SimpleNamespace(**{n: None for n in Event.model_fields})
    draft.iso3, draft.admin1, draft.location, draft.admin2 = iso3, admin1, location, admin2
    draft.geo_precision = None if gp_empty else "given"
    ctx = Context(today=today)
    failed: set[str] = set()
    ctx.row_failed = failed
    problems: list[Problem] = []
    for rule in filling_rules():
        run_rule(rule, draft, ctx, failed, problems, {})
    out = [f"{p.code}|{_column(p.field)}" for p in problems]
    out += [f"missing-value|{name}" for name in PLACE_OWNED if getattr(draft, name) is None and name not in failed]
    problems = []
    for rule in cross_field_rules():
        if rule.code in rules_sql.PER_DISTINCT:
            run_rule(rule, draft, ctx, failed, problems, {})
    return out + [f"{p.code}|{_column(p.field)}" for p in problems]


def _column(field: str | None) -> str:
    """The top-level column a problem's field is in (sources[0].name: sources)."""
    return (field or "").split("[")[0].split(".")[0]
