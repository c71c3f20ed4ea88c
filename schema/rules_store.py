"""The codes only the store can find: at `cedar ingest`, `cedar ingest --deletions` and `cedar import
--ingest` (files already ingested, events unknown, deleted or changed since, duplicates), and the codes
of deletion lists. New codes of the store and its deletions go here; the importers' are in rules_import."""

from __future__ import annotations

from .rules_base import declare

declare("already-ingested", "This file is already in the store: submission {value} brought it in on {received}{by}. "
        "Nothing from it is ingested again.", "A file whose bytes the store already holds is not ingested twice.",
        severity="warning")
declare("unknown-event-id", "There is no event {value} in the store: {fix}",
        "A row names an event_id the store does not hold (to update, or to delete).")
declare("event-deleted", "{value} was deleted by submission {submission} (reason: {reason}) and cannot be updated; ids "
        "are never reused. If the event must come back, leave event_id empty to add it as a new event.",
        "A row updates an event that was deleted.")
declare("stale-version", "The row says version {value} of {event_id}, but the store holds version {current}: the event "
        "changed since this row was coded from it. Start from the current version, or leave version empty.",
        "A row coded from an older version of an event than the store's current one.")
declare("possible-duplicate", "This row ({event_id}) may be the same event as {other}: same event_date, event_type and "
        "actor1, {km} km apart. If it is, {fix}; nothing is merged for you.",
        "A new event with the same date, type and actor1 as a stored event or another row, within a few km "
        "(a warning: nothing is merged).", severity="warning")
declare("possible-duplicates-not-listed", "{value} more rows may duplicate an earlier row or a stored event (only the "
        "first {listed} are listed).", "possible-duplicate warnings beyond the first ones are counted, not listed.",
        severity="warning")
declare("missing-reason", "A deletion needs a reason (e.g. 'retracted by the outlet', 'duplicate of CDR-AZE-3'): it is "
        "published with the deletion.", "A row of a deletion list without a reason.")
declare("already-deleted", "{value} was already deleted{by}: {fix}", "A deletion names an event deleted before (an "
        "error in a deletion list, a warning in an imported deletions file).")

# A deletion list's own layout: CSV with the header event_id,reason, JSON Lines, or a JSON array of objects
# with those two keys (cedar.ingest.deletions); what it shares with a submission has that code.
declare("unknown-deletion-format", "Cannot tell the format of '{value}': a deletion list is .csv, .jsonl or .json.",
        "A deletion list whose file ending names none of its formats.")
declare("missing-deletion-columns", "The header lacks {field}: a deletion list has the columns event_id,reason.",
        "A deletion list's header without event_id or reason (a problem for each).")
declare("not-a-deletion-list", "A deletion list in JSON is an array of {{\"event_id\": ..., \"reason\": ...}} "
        "objects, or an object whose \"deletions\" is one; this file holds {kind}.",
        "A JSON deletion list that holds no array.")
declare("deletion-not-an-object", "Row {row} is {kind}: each deletion is an object with event_id and reason.",
        "An item of a JSON or JSON Lines deletion list that is not an object.")
declare("no-deletions", "The deletion list names no events: give a row (event_id, reason) for each event to delete.",
        "A deletion list without rows.")
