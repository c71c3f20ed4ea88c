"""The codes of the importers of peer datasets (`cedar import`): a peer export's layout, the rows and
cells it refuses, the warnings met while mapping a row, and what an import into the store finds.

A refused row is reported in the wording "row-refused" (below) quoting its reason, and keeps the
reason's code: those reasons' templates start in lower case. Reasons a submission shares (a number
that is not one, a value outside a vocabulary, an empty required cell) keep the codes of rules_input.
"""

from __future__ import annotations

from .rules_base import declare

# The file and its rows.
declare("unknown-layout", "{file} is not in a layout this importer knows: it has {value}; expected {expected}.{hint}",
        "An export in a layout the importer does not know (its columns say which).")
declare("no-final-line-break", "The file does not end with a line break, as complete exports do: its last row may be "
        "cut off. It was imported because it reads as a whole row; compare it with the source.",
        "An imported export whose last line has no line break.", severity="warning")
declare("cut-off-row", "the row cannot be read as CSV ({detail}): the file ends inside a quoted value, it looks cut "
        "off in its last row.", "A peer export that ends inside a quoted value: its last row is refused.")
declare("cut-off-last-row", "the file ends in this row without a line break, and the row cannot be read whole "
        "({reason}): the file looks cut off in its last row.",
        "A peer export's last row that cannot be mapped, in a file that ends without a line break or whose last row "
        "lacks its last cells: the file was cut off.")
declare("too-few-cells", "the row has {value} cells where {expected} has {cells}: the file looks cut off in its last "
        "row.", "A row of a peer export with fewer cells than its header (GDELT: than its 61 columns).")
declare("too-many-cells", "the row has {value} cells where {expected} has {cells}.",
        "A row of a peer export with more cells than its header (GDELT: than its 61 columns).")
declare("unknown-peer-column", "Column(s) {columns} are not {peer} columns this importer knows; they are left out.",
        "A column of a peer export that the importer does not know (a warning, once a file).", severity="warning")
declare("actor-type-differs-in-file", "{field} is {value} but most rows of this file code '{actor}' as type "
        "{expected} ({label}); the actor registry holds one type per actor (a state's forces: 1 at home, 8 abroad).",
        "A row of a peer export that codes an actor with another type than the file's other rows do.")
declare("duplicate-external-id", "{value} is also row {first} of this file: one event, one row; this row is left out.",
        "Two rows of a peer export with the same peer id: the second is refused.")

# Cells a row cannot be mapped without.
declare("missing-peer-id", "{field} is empty: without its {peer} id the row cannot be kept apart from others or "
        "updated later.", "A peer export's row without the dataset's own id of the event.")
declare("unknown-date-form", "{field} '{value}' is not a date in a form this importer reads ({forms}; day/month forms "
        "like 5/9/2020 are ambiguous).", "A peer export's date in a form the importer does not read.")
declare("no-iso-country", "{given}: no country with an ISO 3166-1 code this importer knows.",
        "A peer export's country (name, numeric or FIPS code) without an ISO 3166-1 code.")
declare("no-location", "GDELT gives no place for the action ({given}), and Cedar keeps no event without one.",
        "A GDELT row without a place (ActionGeo_Type 0, or no coordinates).")
declare("not-a-cameo-code", "'{value}' is not a CAMEO event code: its root '{root}' is not 01-20.",
        "A GDELT EventCode that is not a CAMEO code.")
declare("not-an-event-cedar-codes", "CAMEO {value} ({root}) is not an event Cedar codes: {why}.",
        "A CAMEO code outside the crosswalk of docs/importers.md, with the reason.")
declare("actor-missing", "CAMEO {cameo} needs the actor who acted, and Actor1 is {actor1}.",
        "A GDELT strategic development without the actor who acted.")
declare("incompatible-actors", "CAMEO {cameo} maps to {maps_to}, which needs {needs}; GDELT gives Actor1 '{actor1}' "
        "({type1}) and Actor2 '{actor2}' ({type2}).",
        "A GDELT battle without two armed actors, or an attack on civilians whose target is armed.")

# Warnings met while mapping a row: the row is imported.
declare("misspelled-label", "{field} '{value}' is a misspelling in {peer}'s data: read as '{fixed}'.",
        "A misspelling met in a peer's real data, read as the right label.", severity="warning")
declare("unknown-label", "'{label}' in {field} is not one of {peer}'s {labels}; it is left out.",
        "A peer's region or source scale that the importer does not know, left out.", severity="warning")
declare("derived-differs", "{field} {shown} disagrees with {given}; Cedar derives {derived}.",
        "A peer's disorder_type, interaction or civilian_targeting that disagrees with what Cedar derives.",
        severity="warning")
declare("region-differs", "region '{value}' is not ACLED's region of {iso3}, which is {expected} (nor one an earlier "
        "ACLED table gave it): the event takes {expected}, the region of its country.",
        "A peer's region that disagrees with ACLED's table of the country's region, today's or an earlier one; the "
        "region follows from the country.", severity="warning")
declare("year-mismatch", "year {value} disagrees with event_date {event_date}: event_date is kept.",
        "ACLED's year that disagrees with its event_date.", severity="warning")
declare("fatalities-range-repaired", "low {low} <= best {best} <= high {high} does not hold: the best estimate is kept "
        "and the range widened to hold it (low {new_low}, high {new_high}).",
        "GED's low, best and high out of order: the range is widened around best.", severity="warning")

# How a refused or repeated row is worded; the problem keeps the code of its reason.
declare("row-refused", "Row refused: {reason}", "The wording of a row an importer leaves out (a warning; an error with "
        "--strict): the problem carries the code of the reason.", wording=True)
declare("row-refused-by-check", "Row refused: the event it maps to fails `cedar check`: {reason}",
        "The wording of a row whose mapped event fails a rule: the problem carries the rule's code.", wording=True)
declare("row-refused-by-store", "Row refused: the store's check refuses the event it maps to: {reason}",
        "The wording of a row whose mapped event the store's check refuses (an actor of another type in the "
        "registry, say): the problem carries the rule's code.", wording=True)
declare("warning-repeated", "The same ({warning}) applies to {count} more row(s): {rows}.",
        "The wording of a warning met again on more rows of a file, listed once: the problem carries its code.",
        severity="warning", wording=True)

# An import into the store.
declare("not-held", "{value} is not in the store: nothing to delete.", "An imported deletion names an event the store "
        "never held.", severity="warning")
declare("deleted-in-store", "{value} was held as {event_id}, which was deleted from the store; it is not brought back "
        "(ids are never reused). To add it again as a new event, remove its external id from the deletion's record "
        "first.", "An imported row whose event was deleted from the store.", severity="warning")
declare("likely-match", "{first} ({first_label}) and {value} ({label}) look like the same event in two datasets: "
        "{first_type} / {type}, {days} day(s) and {km} km apart. They are linked as corroboration, not merged.",
        "Events of two datasets that look alike are linked (event_links), never merged.", severity="warning")
