"""The codes of values the model's types refuse and of what the readers refuse in a file, its header
or a row's shape (before any event is built), and of values a submission may use only once."""

from __future__ import annotations

from .model import INTERACTION_RANGE, MAX_FATALITIES, MAX_VERSION
from .rules_base import declare

# Rules the model's types enforce; the row engine maps Pydantic's error kinds onto these codes.
declare("missing-value", "{field} is required: give a value.", "A required column is empty.")
declare("not-in-vocabulary", "'{value}' is not a permitted {field}. Use one of: {allowed}.",
        "A value outside its controlled vocabulary.")
declare("not-a-number", "'{value}' in {field} is not a number: write a decimal number such as 39.8153.",
        "Text in a number column.")
declare("not-an-integer", "'{value}' in {field} is not a whole number: write digits only, such as 6.",
        "Text or a fraction in a whole-number column.")
declare("not-a-date", "'{value}' in {field} is not a date: write it as YYYY-MM-DD, such as 2023-09-19.",
        "A date that cannot be read.")
declare("not-a-timestamp", "'{value}' in {field} is not a time: write it as ISO 8601, such as 2023-09-19T12:00:00Z.",
        "A timestamp that cannot be read.")
declare("not-a-boolean", "'{value}' in {field} is not true or false.", "A yes/no column with another value.")
declare("out-of-range", "{value} in {field} is out of range: it must be {bound}.",
        f"A number outside its range (latitude -90..90, longitude -180..180, fatalities 0..{MAX_FATALITIES:,}, "
        f"interaction {INTERACTION_RANGE[0]}..{INTERACTION_RANGE[1]}, version 1..{MAX_VERSION:,}).")
declare("bad-format", "'{value}' in {field} does not have the expected form: {expected}.",
        "A code that does not match its pattern (event ids, ISO codes, hashes).")
declare("unexpected-field", "{field} is not a field of this part of the event: remove it or check its spelling.",
        "A nested object carries a key the model does not know.")
declare("invalid-value", "'{value}' in {field} is not valid: {detail}.", "A value the model cannot accept.")


# Rules the readers enforce on a whole file, its header or a row's shape, before any event is built.
declare("file-not-found", "There is no file '{value}': check the path.",
        "A file named on the command line does not exist.")
declare("unreadable-file", "Cannot read '{value}': {reason}.", "The file exists but the system refuses to read it.")
declare("unknown-format", "Cannot tell the format of '{value}' ({reason}): name the file .csv, .jsonl, .json or "
        ".parquet, or pass --input-format csv, jsonl, json or parquet.",
        "The file's ending (or --input-format) names no format Cedar reads.")
declare("empty-file", "The file is empty: a submission needs {needs}.", "A file with no content (or only blank lines).")
declare("no-rows", "The file has {has} but no events: add at least one event.",
        "A header, an empty array or a schema, and no records.")
declare("not-utf8", "Line {line} has bytes that are not UTF-8 ({bad} at byte {position} of the line): save the file "
        "as UTF-8, or name its encoding with --encoding (for example --encoding cp1252 or --encoding latin-1).",
        "A text file that is not UTF-8, read without --encoding.")
declare("bad-encoding",
        "Line {line} has bytes that are not {encoding} ({bad} at byte {position} of the line): name the "
        "file's real encoding with --encoding, or save it as UTF-8 and leave --encoding out.",
        "A text file that does not decode with the --encoding given.")
declare("bad-csv", "Line {line} cannot be read as CSV ({detail}): check its quotation marks; a quote inside a quoted "
        "value is written twice (\"\").", "Text the CSV reader cannot split into cells, such as a stray quote.")
declare("wrong-separator", "The columns are separated by {separator}, not commas: save the file as CSV with commas "
        "between columns (in a spreadsheet: Save As, CSV UTF-8, comma-delimited).",
        "A CSV file whose columns are separated by ';' or tabs.")
declare("missing-columns",
        "The header lacks required column(s): {missing}. Add them (see `cedar codebook`); the header "
        "has: {header}.", "Required columns absent from a flat file's header (one problem naming them all).")
declare("unknown-column", "'{value}' is not a Cedar column: {hint}",
        "A header names a column the model does not have (with the closest column, if one is close).")
declare("duplicate-column", "Column '{value}' appears twice in the header: keep one.", "A header names a column twice.")
declare("wrong-cell-count", "This row has {value} cells and the header {header_cells}: a value with a comma must be in "
        "double quotes, and every row needs one cell per column.",
        "A CSV row with more or fewer cells than the header.")
declare("invalid-json", "Line {line} is not valid JSON ({detail}): {fix}.", "Text that cannot be read as JSON.")
declare("not-an-object", "Record {row} is {kind}, not an object: each event is a JSON object with the event's fields.",
        "A JSON record that is not an object.")
declare("bad-parquet", "The file cannot be read as Parquet ({detail}): export it again.",
        "A damaged or truncated Parquet file.")

# Companion tables of a flat file (NAME.sources.csv, NAME.claims.csv), read beside it by name.
declare("misnamed-companion", "'{value}' looks like the {part} table of {main} but is not read under this name: "
        "rename it '{expected}' (or move it away if it is not part of the submission).",
        "A file beside a CSV or Parquet submission named like one of its companion tables but not exactly "
        "(NAME-sources.csv, NAME_claims.csv): it would be ignored. A warning when the table it stands for "
        "exists too.")
declare("companion-row-without-event", "This {part} row's event_ref '{value}' matches the ref (or event_id) of no "
        "event in the main file: correct the event_ref, or remove the row.",
        "A row of a companion table whose event_ref names no event of its main file.")
declare("sources-contradict-companion", "The sources cell names {value} but the companion table {table} lists "
        "{listed} for this event: make them agree, or leave the cell empty (the table then gives the sources).",
        "A flat row's sources cell that names other sources than its rows in the companion sources table.")

# Values a submission may use once, across all its files (cedar.validate.repeats); `first` says where
# the value was used first ("row 3", or "row 3 of other.csv").
declare("duplicate-ref", "ref '{value}' is also used in {first}: each row's ref must be its own, so that the report "
        "can say which id each row was given.", "Two rows of one submission (in any of its files) share a ref.")
declare("duplicate-event-id", "{value} is also named in {first}: a submission may change an event once; merge the "
        "two rows.", "Two rows of one submission (in any of its files) name the same event_id.")
