"""The codes only the store can find: at `cedar ingest`, `cedar delete` and `cedar import --ingest`
(files already ingested, events unknown, deleted or changed since, duplicates, deletions, and the
importers' matches and layouts). New codes of the store, its deletions and the importers go here."""

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
declare("missing-reason", "A deletion needs a reason (e.g. 'retracted by the outlet', 'duplicate of AZE3'): it is "
        "published with the deletion.", "A row of a deletion list without a reason.")
declare("already-deleted", "{value} was already deleted{by}: {fix}", "A deletion names an event deleted before (an "
        "error in a deletion list, a warning in an imported deletions file).")
declare("not-held", "{value} is not in the store: nothing to delete.", "An imported deletion names an event the store "
        "never held.", severity="warning")
declare("deleted-in-store", "{value} was held as {event_id}, which was deleted from the store; it is not brought back "
        "(ids are never reused). To add it again as a new event, remove its external id from the deletion's record "
        "first.", "An imported row whose event was deleted from the store.", severity="warning")
declare("likely-match", "{first} ({first_label}) and {value} ({label}) look like the same event in two datasets: "
        "{first_type} / {type}, {days} day(s) and {km} km apart. They are linked as corroboration, not merged.",
        "Events of two datasets that look alike are linked (event_links), never merged.", severity="warning")
declare("no-final-line-break", "The file does not end with a line break, as complete exports do: its last row may be "
        "cut off. It was imported because it reads as a whole row; compare it with the source.",
        "An imported export whose last line has no line break.", severity="warning")
declare("unknown-layout", "{file} is not in a layout this importer knows: it has {value}; expected {expected}.{hint}",
        "An export in a layout the importer does not know (its columns say which).")
