"""The bundled seed: the six events of shared/seed/CODING.md, checked and with the facts that matter."""

from __future__ import annotations

import hashlib
import json

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, seed_path
from cedar.validate.check import check_files


def _checked():
    result = check_files([seed_path()], keep_events=True)
    assert result.report.valid, [p.to_dict() for p in result.report.problems]
    return {c.event.ref: c.event for c in result.events}


def test_seed_passes_check_with_all_six_events():
    events = _checked()
    assert sorted(events) == [f"karabakh-{i}" for i in range(1, 7)]


def test_seed_shelling_is_unverified_claimed_by_vardanyan_and_targets_civilians():
    e = _checked()["karabakh-2"]
    assert e.sub_event_type == "Shelling/artillery/missile attack"
    assert e.verification_status == "unverified"
    assert e.claimed_by == ["Ruben Vardanyan"]
    assert e.target_kind == "civilians" and e.civilian_targeting is True
    assert e.fatalities is None  # not stated, which is not 0
    disputed = {(c.claimant, c.stance) for c in e.claims if c.aspect == "civilian_targeting"}
    assert disputed == {("Ruben Vardanyan", "asserts"), ("Ministry of Defence of Azerbaijan", "denies")}


def test_seed_landmines_killed_six_and_attribution_is_unverified_claim_by_azerbaijan():
    e = _checked()["karabakh-3"]
    assert e.sub_event_type == "Remote explosive/landmine/IED"
    assert e.fatalities == 6
    perpetrator = [c for c in e.claims if c.aspect == "perpetrator"]
    assert len(perpetrator) == 1
    assert perpetrator[0].claimant == "Government of Azerbaijan"
    assert perpetrator[0].status == "unverified"
    assert "illegal Armenian armed groups" in perpetrator[0].statement
    assert e.date_precision == "span" and e.event_date_end > e.event_date


def test_seed_operation_is_verified_by_the_actors_own_announcement():
    e = _checked()["karabakh-1"]
    assert (e.event_type, e.inter1, e.inter2) == ("Battles", 1, 2)
    assert e.verification_status == "verified" and e.verification_basis == "actor-acknowledgement"
    assert e.interaction == 12 and e.disorder_type == "Political violence"


def test_seed_lachin_restriction_is_a_span_near_lachin_with_a_disputed_crisis():
    e = _checked()["karabakh-5"]
    assert e.location == "Lachin" and e.geo_precision == "near"
    assert (e.latitude, e.longitude) == (39.6383, 46.5461)
    assert e.fatalities == 0
    assert {c.status for c in e.claims if c.aspect == "civilian_targeting"} == {"disputed"}


def test_seed_keeps_the_article_as_source_document_with_its_hash():
    text = (SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for e in _checked().values():
        assert e.sources[0].document == SEED_DOCUMENT
        assert e.sources[0].document_sha256 == digest
        assert e.evidence and e.evidence in text


def test_seed_evidence_that_is_not_in_the_article_is_an_error(seed_dir):
    path = seed_dir / "karabakh-2023-09-19.json"
    events = json.loads(path.read_text(encoding="utf-8"))
    events[0]["evidence"] = "Azerbaijan's armed forces initiated an operation."  # paraphrase, not a quote
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    report = check_files([path]).report
    assert [(p.code, p.row, p.field) for p in report.errors] == [("evidence-not-in-document", 1, "evidence")]
