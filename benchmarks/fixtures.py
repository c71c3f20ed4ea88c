"""Files for the benchmarks, made from the bundled seed."""

from __future__ import annotations

import csv
from pathlib import Path

from cedar.sample_data import SEED_DOCUMENT, seed_path
from cedar.schema import flat
from cedar.validate.check import check_files


def seed_csv(path: Path, rows: int) -> Path:
    """The seed's events, flattened and repeated to `rows` rows, with the article beside them."""
    events = [c.event for c in check_files([seed_path()], keep_events=True).events]
    kinds = flat.column_kinds()
    columns = list(flat.event_columns())
    (path.parent / SEED_DOCUMENT).write_text((seed_path().parent / SEED_DOCUMENT).read_text(encoding="utf-8"),
                                             encoding="utf-8")
    source_kinds = flat.kinds_of(flat.Source)
    with path.open("w", newline="", encoding="utf-8") as f, \
            path.with_name(f"{path.stem}.sources.csv").open("w", newline="", encoding="utf-8") as sf:
        w, sw = csv.writer(f), csv.writer(sf)
        w.writerow(columns)
        sw.writerow(flat.SOURCE_COLUMNS)
        for i in range(rows):
            event = events[i % len(events)].model_copy(update={"ref": f"r{i}"})
            row, sources, _ = flat.to_flat(event, f"r{i}")
            w.writerow([flat.format_cell(kinds[c], row[c]) for c in columns])
            for s in sources:
                sw.writerow([s[flat.EVENT_KEY]]
                            + [flat.format_cell(source_kinds[c], s[c]) for c in flat.SOURCE_COLUMNS[1:]])
    return path


def disputed_claims(path: Path, claims: int) -> Path:
    """The seed's first event with `claims` disputed claims, alternately asserting and denying one aspect each
    pair (the worst case for "a disputed claim needs both sides": every claim asks it), as nested JSON with the
    article beside it."""
    import json

    event = json.loads(seed_path().read_text(encoding="utf-8"))[0]
    (path.parent / SEED_DOCUMENT).write_text((seed_path().parent / SEED_DOCUMENT).read_text(encoding="utf-8"),
                                             encoding="utf-8")
    aspects = ("occurrence", "perpetrator", "target", "fatalities")
    head = json.dumps({k: v for k, v in event.items() if k != "claims"}, ensure_ascii=False)[:-1]
    with path.open("w", encoding="utf-8") as f:
        f.write("[" + head + ', "claims": [')
        for i in range(claims):
            stance = "asserts" if i % 2 == 0 else "denies"
            f.write(("," if i else "") + json.dumps({"aspect": aspects[(i // 2) % len(aspects)],
                                                     "claimant": f"claimant {i}", "stance": stance,
                                                     "status": "disputed"}))
        f.write("]}]\n")
    return path
