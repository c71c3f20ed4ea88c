"""The codes only the release gate finds (`cedar release build`, cedar.validate.expectations): rows of a
release's tables and the release as a whole against the store's deletions and the previous release.

The gate words every failed expectation alike, whatever rule it enforces ("expectation-failed"); the
problem keeps the code of that rule, one of these or a row rule's (missing-value, bad-format, ...).
"""

from __future__ import annotations

from .rules_base import declare

FAILED = "Expected: {description} ({expectation}). Failed: {detail}."

declare("expectation-failed", FAILED, "The wording of an expectation the release gate finds broken: the problem "
        "carries the code of the rule it enforces.", wording=True)
declare("expectation-failed-in-partitions", "{reason} Its failing rows are in partition(s) {partitions}.",
        "The wording of a failed expectation over a partitioned release whose failing rows are events: the "
        "partitions (year, or year-month) they fall in. The problem carries the code of the rule.", wording=True)
declare("duplicate-row", FAILED, "Two rows of a release's claims or sources table with the same event_id and number.")
declare("unknown-event", FAILED, "A claim, source or actor row of a release that names no event of the release.")
declare("deleted-id-present", FAILED, "An event deleted in the store is in the release.")
declare("deleted-id-reused", FAILED, "An id deleted in an earlier release comes back.")
declare("row-count-change", FAILED, "The number of events changed by more than the stated bound since the previous "
        "release.")
declare("previous-event-missing", FAILED, "An event of the previous release is gone without a deletion.")
declare("fatalities-changed-without-version", FAILED, "An event's fatalities changed since the previous release "
        "while its version did not.")
declare("changed-without-version", FAILED, "An event's published row, claims or sources changed since the previous "
        "release while its version did not (an in-place change that changes.csv would not show).")
declare("fatality-total-jump", FAILED, "The fatality total is not the previous total plus what the added, updated "
        "and deleted events account for.")
declare("not-redistributable", FAILED, "A public release holds events whose terms forbid publishing them (ACLED's): "
        "only a release built with --private may hold them.")
