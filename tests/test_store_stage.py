"""Staging: the checked seed as Arrow tables, the same whatever the chunk size."""

from __future__ import annotations

from cedar.ingest import stage
from cedar.sample_data import seed_path
from cedar.validate.check import check_files

SEED_DOC_SHA = "3543a0ab5d43955f4c2c11d1bb8fc1a318b272da8423eff51b4d6c449fdc5a18"


def test_staging_in_chunks_gives_the_same_tables():
    result = check_files([seed_path()], keep_events=True)
    whole = stage.build(result.events, result.documents)
    chunked = stage.build(result.events, result.documents, chunk=4)
    for name in whole:
        assert whole[name].equals(chunked[name]), name
    events = whole["stage_events"].to_pylist()
    assert [e["row_no"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert [e["ref"] for e in events] == [f"karabakh-{i}" for i in range(1, 7)]
    claims = whole["stage_claims"].to_pylist()
    assert {c["row_no"] for c in claims} <= set(range(1, 7)) and len(claims) == sum(
        len(c.event.claims) for c in result.events)
    sources = whole["stage_sources"].to_pylist()
    assert all(s["document_sha256"] == SEED_DOC_SHA for s in sources)
    assert whole["stage_documents"].to_pylist()[0]["sha256"] == SEED_DOC_SHA
