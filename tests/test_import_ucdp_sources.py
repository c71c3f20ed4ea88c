"""UCDP GED's lists of reports: source_article is a ';'-separated list of quoted reports whose headlines
may hold ';' themselves (about one row in twenty of a real export); it is split only outside quotes, so
that each report keeps its outlet and date. active_year as R writes it (TRUE/FALSE) keeps its tag."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import GED

from cedar.ingest.importers import import_file
from cedar.ingest.importers.ucdp import split_outside_quotes


def ged_rows(tmp_path: Path, changes: list[dict[str, str]]) -> Path:
    """The sample's first row, once a change, as a GED file."""
    with GED.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        first = next(reader)
        header = reader.fieldnames
    path = tmp_path / "ged.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        for i, change in enumerate(changes):
            w.writerow({**first, "id": str(900000 + i), **change})
    return path


def test_split_outside_quotes():
    assert split_outside_quotes('"a;b";"c"') == ['"a;b"', '"c"']
    assert split_outside_quotes('"say ""x;y""";z') == ['"say ""x;y"""', "z"]
    assert split_outside_quotes("a; b;;") == ["a", "b"]


def test_a_headline_with_a_semicolon_stays_one_report_with_its_outlet_and_date():
    r = import_file("ucdp", GED)
    e = next(x.data for x in r.events if x.data["ref"] == "ucdp-ged:49343")  # a real row of the sample
    assert e["sources"] == [
        {"name": 'Reuters News: "Reuters News,1989-02-23,GUERRILLAS DESTROY BURMESE RAILWAY STATION."',
         "published": "1989-02-23"},
        {"name": 'The Times: "The Times,1989-02-24,Across the river to Thai sanctuary,Burmese civilians"',
         "published": "1989-02-24"}]
    assert (r.rows_read, r.imported) == (7374, 7374)


def test_reports_keep_outlet_and_date_when_the_lists_do_not_align(tmp_path):
    article = '"AFP,2020-01-02,Gunmen kill 3; police say";"Reforma,2020-01-03,Matan a tres"'
    path = ged_rows(tmp_path, [{"source_article": article, "source_office": "AFP;;Reforma",
                                "source_date": "2020-01-02;2020-01-03", "number_of_sources": "2",
                                "source_original": '"police; residents";local media'}])
    e = import_file("ucdp", path).events[0].data
    assert [(s["name"].split(":")[0], s.get("published")) for s in e["sources"]] == [
        ("AFP", "2020-01-02"), ("Reforma", "2020-01-03")]
    assert [c["claimant"] for c in e["claims"]] == ["police; residents", "local media"]


def test_active_year_as_r_writes_it_keeps_its_tag(tmp_path):
    path = ged_rows(tmp_path, [{"active_year": v} for v in ("TRUE", "FALSE", "True", "1", "0")])
    tagged = ["ucdp-active-year" in e.data["tags"] for e in import_file("ucdp", path).events]
    assert tagged == [True, False, True, True, False]
