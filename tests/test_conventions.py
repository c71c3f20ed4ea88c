"""The coding conventions: the codebook carries them, the rules that can see them check them (one event
per place, day, actor pair and sub-event type across a submission's rows, in both engines), and actor
suggestions stay within the event's country."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import time
from pathlib import Path

from cedar.ingest import synth
from cedar.ingest.actors import Actor, Registry
from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, SEED_SUBMISSION
from cedar.schema import conventions
from cedar.schema.codebook import codebook_markdown
from cedar.schema.model import Event
from cedar.schema.rules import RULES, Context
from cedar.validate import sql_engine
from cedar.validate.check import check_files
from cedar.validate.report import Report
from cedar.validate.rows import validate_record

SEED = json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8"))
TODAY = dt.date(2025, 6, 30)


def test_codebook_carries_the_conventions():
    text = codebook_markdown()
    assert "## Coding conventions" in text
    for needle in ("actor1 is always the protesters", "Police Forces of Kenya (2022-)", "One event per place, day",
                   "type 1 in their own country and type 8", "presupposes", "\"At least N\" is N",
                   "never fatalities", "most recent such day", "are `near`", "Aggregate statistics"):
        assert needle in text, needle


def test_every_code_a_convention_names_is_declared():
    named = {code for topic in conventions.TOPICS for c in topic.conventions for code in c.codes}
    assert named and named <= set(RULES), named - set(RULES)


def test_actor1_is_no_longer_described_as_the_actor_who_acts():
    description = Event.model_fields["actor1"].description or ""
    assert "who acts" not in description.split(":")[0] and "protesters in Protests" in description


def _seed_events(tmp: Path, events: list[dict]) -> Path:
    (tmp / SEED_DOCUMENT).write_text((SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp / "events.json"
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


def test_one_event_coded_twice_is_a_warning_and_both_rows_pass(tmp_path):
    first = SEED[0]
    twice = copy.deepcopy(first) | {"ref": "again"}
    result = check_files([_seed_events(tmp_path, [first, twice])], keep_events=True)
    [p] = [p for p in result.report.problems if p.code == "possible-double-coding"]
    assert p.severity == "warning" and p.row == 2 and p.field == "sub_event_type"
    assert "row 1" in p.message and "Nagorno-Karabakh" in p.message and first["event_date"] in p.message
    assert result.report.valid and len(result.events) == 2


def test_events_that_differ_in_day_actor_pair_or_sub_type_are_not_double_codings(tmp_path):
    first = SEED[0]
    others = [copy.deepcopy(first) | {"ref": "r2", "event_date": "2023-09-20"},
              copy.deepcopy(first) | {"ref": "r3", "actor2": "Military Forces of Armenia (2018-)", "inter2": 1},
              copy.deepcopy(first) | {"ref": "r4", "sub_event_type": "Government regains territory"}]
    result = check_files([_seed_events(tmp_path, [first, *others])])
    assert "possible-double-coding" not in {p.code for p in result.report.problems}


def _synth_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(synth.COLUMNS)
        for r in rows:
            w.writerow([r[c] for c in synth.COLUMNS])
    return path


def test_the_sql_engine_finds_double_codings_across_files(tmp_path):
    rows = [r for r, _ in synth.rows(40, seed=4, today=TODAY)]
    a = _synth_csv(tmp_path / "a.csv", rows[:20])
    b = _synth_csv(tmp_path / "b.csv", [rows[30], {**rows[5], "ref": "again"}, rows[31]])
    report = Report(check="sql")
    from cedar.validate import repeats

    seen = repeats.Repeats()
    assert sql_engine.check_csv(a, report, TODAY, seen) and sql_engine.check_csv(b, report, TODAY, seen)
    [p] = [p for p in report.problems if p.code == "possible-double-coding"]
    assert p.file == str(b) and p.row == 3 and "row 7 of" in p.message and str(a) in p.message
    assert report.valid


def _protest(**changes):
    e = copy.deepcopy(SEED[0])
    e.update(event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Azerbaijan)", inter1=6,
             actor2=None, inter2=0, target_kind="none", claims=[], fatalities=0)
    e.update(changes)
    return e


def _codes(event: dict) -> set[str]:
    ctx = Context(today=TODAY, documents={SEED_DOCUMENT: (SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8")})
    return {p.code for p in validate_record(event, ctx, {"file": "t.json", "row": 1, "line": 1})[1]}


def test_police_as_actor1_of_a_protest_is_refused_and_the_acled_coding_passes():
    # police first, as "the actor who acts" read: refused; protesters first with police as actor2: passes
    police = "Police Forces of Azerbaijan (2003-)"
    assert "protest-actor1-not-protesters" in _codes(_protest(
        sub_event_type="Protest with intervention", actor1=police, inter1=1, actor2="Protesters (Azerbaijan)",
        inter2=6, target_kind="protesters"))
    assert _codes(_protest(sub_event_type="Protest with intervention", actor2=police, inter2=1,
                           target_kind="protesters")) == set()


def test_excessive_force_needs_the_force_and_a_state_actor_needs_its_period():
    assert "protest-intervention-needs-force" in _codes(_protest(sub_event_type="Excessive force against protesters",
                                                                 target_kind="protesters"))
    codes = _codes(_protest(sub_event_type="Excessive force against protesters", actor2="Police Forces of Azerbaijan",
                            inter2=1, target_kind="protesters"))
    assert codes == {"state-actor-without-period"}
    assert RULES["state-actor-without-period"].severity == "warning"


def test_mob_violence_by_rioters_passes_and_by_protesters_is_refused():
    mob = dict(event_type="Riots", sub_event_type="Mob violence", actor2="Civilians (Azerbaijan)", inter2=7,
               target_kind="civilians")
    assert _codes(_protest(**mob, actor1="Rioters (Azerbaijan)", inter1=5)) == set()
    assert "riot-actor1-not-rioters" in _codes(_protest(**mob))


def test_actor_suggestions_keep_to_the_events_country():
    registry = Registry([Actor("Military Forces of Azerbaijan (2003-)", 1, "AZE", ["Azerbaijani army"]),
                         Actor("Police Forces of Azerbaijan (2003-)", 1, "AZE"),
                         Actor("Police Forces of Kenya (2022-)", 1, "KEN", ["Kenyan police"]),
                         Actor("United Nations", 8, None)])
    kenyan = registry.closest_text("Military Forces of Kenya", "KEN")
    assert "Kenya" in kenyan and "Azerbaijan" not in kenyan
    assert {n for n, _, _ in registry.search("Police Forces", 5, "KEN")} == {"Police Forces of Kenya (2022-)",
                                                                             "United Nations"}
    assert "Azerbaijan" in registry.closest_text("Military Forces of Kenya")  # no country: every actor
    assert registry.closest_text("anything", "FRA").startswith("'United Nations'")


def test_unknown_actor_warning_offers_only_the_events_country():
    registry = Registry([Actor("Military Forces of Azerbaijan (2003-)", 1, "AZE"),
                         Actor("Police Forces of Kenya (2022-)", 1, "KEN")])
    ctx = Context(today=TODAY, documents={SEED_DOCUMENT: (SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8")},
                  actors=registry)
    event = _protest(sub_event_type="Protest with intervention", actor2="Military Forces (2022-)", inter2=1,
                     target_kind="protesters", iso3="KEN", country="Kenya", location="Nairobi", admin1=None,
                     latitude=-1.2833, longitude=36.8167, region=None)
    [p] = [p for p in validate_record(event, ctx, {"file": "t.json", "row": 1, "line": 1})[1]
           if p.code == "unknown-actor" and p.field == "actor2"]
    assert "Kenya" in p.message and "Azerbaijan" not in p.message


def test_disputed_claims_are_judged_in_linear_time(tmp_path):
    # 20,000 disputed claims: asking every claim's aspect again for each was 4e8 steps (minutes); now a pass
    claims = [{"aspect": ("occurrence", "perpetrator")[(i // 2) % 2], "claimant": f"c{i}",
               "stance": ("asserts", "denies")[i % 2], "status": "disputed"} for i in range(20_000)]
    event = copy.deepcopy(SEED[0]) | {"claims": claims}
    start = time.perf_counter()
    codes = _codes(event)
    assert time.perf_counter() - start < 10 and "disputed-needs-both-sides" not in codes
    claims[-1]["aspect"] = "fatalities"  # alone on its aspect: no claim denies it
    assert "disputed-needs-both-sides" in _codes(event)


def test_state_forces_are_type_1_at_home_and_8_abroad_in_both_engines(tmp_path):
    base = next(r for r, _ in synth.rows(50, seed=4, today=TODAY) if r["event_type"] == "Battles")
    home = base["country"]

    def row(actor1: str, inter1: str) -> dict[str, str]:
        return {**base, "actor1": actor1, "inter1": inter1, "interaction": ""}

    rows = [row(f"Military Forces of {home} (2020-)", "1"), row(f"Police Forces of {home} (2020-)", "8"),
            row("Military Forces of the Democratic Republic of Congo (2019-)" if base["iso3"] != "COD"
                else "Military Forces of Turkey (2016-)", "1"),
            row("Military Forces of Turkey (2016-)" if base["iso3"] != "TUR" else "Military Forces of Iraq (2022-)",
                "8"),
            row("Military Forces of Atlantis (2020-)", "1")]  # no known country: nothing to say
    for i, r in enumerate(rows):
        r["ref"] = f"f{i}"
    path = _synth_csv(tmp_path / "forces.csv", rows)
    code = "state-forces-type-by-country"
    found_sql = {(i, field) for i, c, field in sql_engine.findings(path, TODAY)[1] if c == code}
    found_rows = {(p.row - 1, p.field) for p in check_files([path]).report.problems if p.code == code}
    assert found_sql == found_rows == {(2, "inter1"), (3, "inter1")}


def test_actors_search_keeps_to_a_country_when_asked(tmp_path):
    from tests.conftest import run_cedar

    db = tmp_path / "store.duckdb"
    assert run_cedar("init", "--db", str(db)).returncode == 0  # the seed: Azerbaijani and Armenian actors
    proc = run_cedar("actors", "search", "Military Forces", "--country", "arm", "--db", str(db), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    names = [hit["name"] for hit in json.loads(proc.stdout)]
    assert "Military Forces of Armenia (2018-)" in names and not any("Azerbaijan" in n for n in names)
    anywhere = json.loads(run_cedar("actors", "search", "Military Forces", "--db", str(db), "--format",
                                    "json").stdout)
    assert any("Azerbaijan" in hit["name"] for hit in anywhere)


def test_state_forces_in_an_unknown_country_are_not_judged():
    event = copy.deepcopy(SEED[0]) | {"iso3": "ZZZ"}  # unknown-country says what is wrong
    assert "state-forces-type-by-country" not in _codes(event) and "unknown-country" in _codes(event)
