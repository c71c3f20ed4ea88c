"""A report as the assist reads it: its publication date, paragraphs and sentences, each with its offsets in
the text, so that every quote is the text's own characters."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

_PUBLISHED = re.compile(r"\A\s*Published:\s*(\d{4}-\d{2}-\d{2})\s*\n")
# abbreviations after which a full stop does not end a sentence
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Gov|Sen|Rep|Rev|St|Mt|No|Jan|Feb|Mar|Apr|Jun|Jul|"
                     r"Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K|e\.g|i\.e|approx|km|vs)|\b[A-Z])\.$")
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


@dataclass
class Sentence:
    text: str
    start: int  # offset in the report
    paragraph: int
    index: int  # position in the report


@dataclass
class Report:
    text: str
    published: dt.date | None
    body_start: int  # where the text after the Published line begins
    sentences: list[Sentence] = field(default_factory=list)
    paragraphs: list[list[Sentence]] = field(default_factory=list)
    dateline: str | None = None


def published_line(text: str) -> dt.date | None:
    m = _PUBLISHED.match(text)
    if not m:
        return None
    try:
        return dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None


def split_sentences(para: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph: a full stop, question or exclamation mark (with closing
    quotes) before a space and a capital, unless it ends a known abbreviation or an initial."""
    spans, start = [], 0
    for m in _END.finditer(para):
        end = m.end()
        if _ABBREV.search(para[start:m.start() + 1]):
            continue
        spans.append((start, end))
        start = end
        while start < len(para) and para[start].isspace():
            start += 1
    if para[start:].strip():
        spans.append((start, len(para.rstrip())))
    return spans


_DATELINE_END = re.compile(r"^\([^)]{2,60}\)\s*(?:--|[-–—:])\s+|"  # "(Shan Highlands Herald) - "
                           r"^[A-ZÀ-Ý][^a-z]{2,60}?(?:\([^)]{0,60}\))?\s*(?:(?:--|[-–—:])\s+)|"
                           r"^[A-ZÀ-Ý][A-ZÀ-Ý .'’/-]{2,}?\s*(?:,[^-–—:]{0,60}?|\([^)]{0,60}\)\s*)?(?:--|[-–—:])\s+")
_DATELINE = re.compile(r"^([A-ZÀ-Ý][A-ZÀ-Ý .'-]{2,}?)(?:/[A-ZÀ-Ý][A-ZÀ-Ý .'-]+)?(?:,|\s+[-–—(]|\s*\()")
# a dateline on a line of its own, under the headline: "The Madhesh Times, Birgunj, 28 March", "RADIO X -
# Bunia, Tuesday 25 August 2026", "OUTLET | Kampala | Thursday, July 9, 2026": the outlet comes first, then
# the place; parts with a day or a date are not places
_LINE_PARTS = re.compile(r"\s+[-–—|]\s+|\s*[,|()]\s*")
_DAY_WORD = re.compile(r"\d|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
                       r"Sep|Sept|Oct|Nov|Dec)[a-z]*\b", re.I)


def _line_place(line: str) -> str | None:
    """The place a dateline line names: its last part after the first that is not a day, a date or a byline."""
    parts = [x.strip() for x in _LINE_PARTS.split(line.strip()) if x and x.strip()]
    places = [x for x in parts[1:] if not _DAY_WORD.search(x) and not x.lower().startswith("by ")
              and len(x.split()) <= 4 and x[:1].isupper()]
    return places[-1].title() if places and places[-1].isupper() else (places[-1] if places else None)


def read(text: str, published: dt.date | None = None) -> Report:
    pub = published_line(text)
    m = _PUBLISHED.match(text)
    body = m.end() if m else 0
    report = Report(text, published or pub, body)
    pos = body
    n = 0
    lines = 0  # headline-like lines before the first paragraph
    line_place = None
    for block in re.split(r"(\n\s*\n|\n)", text[body:]):
        b_start = pos
        pos += len(block)
        if not block.strip():
            continue
        sents = []
        for s, e in split_sentences(block):
            sents.append(Sentence(block[s:e], b_start + s, len(report.paragraphs), n))
            n += 1
        # a headline: one short line without a full stop at its end
        # (the report's first line is its headline up to 250 characters: "Water cannon on the Alameda as ...")
        if len(sents) == 1 and not sents[0].text.rstrip().endswith((".", "”", '"')) and (
                len(sents[0].text) < 120 or (not lines and len(sents[0].text) < 250)):
            if lines and not report.paragraphs and line_place is None:
                line_place = _line_place(sents[0].text)
            lines += 1
            continue
        for sent in sents:  # numbered in the report's reading order, headlines left out
            sent.index, sent.paragraph = len(report.sentences), len(report.paragraphs)
            report.sentences.append(sent)
        report.paragraphs.append(sents)
    if report.paragraphs:
        first = report.paragraphs[0][0]
        d = _DATELINE.match(first.text)
        if d:
            report.dateline = d.group(1).strip().title()
        elif line_place:
            report.dateline = line_place
        # the dateline is not part of what the report says: quotes start after it
        cut = _DATELINE_END.match(first.text)
        if cut and len(first.text) - cut.end() > 20:
            first.text, first.start = first.text[cut.end():], first.start + cut.end()
    _split_clauses(report)
    return report


# "...; in Mopti, soldiers clashed ...; and in Segou, a bomb ...", "..., while in Butembo police fired ...":
# a clause that opens on another place tells another event, and is read as a sentence of its own
_CLAUSE = re.compile(r"(?:;\s+(?:and\s+|while\s+|but\s+)?|,\s+(?:and\s+|while\s+|whereas\s+))"
                     r"(?=(?:in|at|near|outside)\s+(?:the\s+(?:\w+\s+){0,3}(?:town|city|village|province|region|"
                     r"district|state)\s+of\s+)?[A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+)?,?\s+(?!and\b|or\b)[a-z\w])")


def _split_clauses(report: Report) -> None:
    """Each clause that opens on another place becomes a sentence (its text is still the report's own)."""
    paragraphs = []
    for para in report.paragraphs:
        out = []
        for sent in para:
            start = 0
            for m in _CLAUSE.finditer(sent.text):
                if len(sent.text[start:m.start()].split()) >= 4 and len(sent.text[m.end():].split()) >= 4:
                    out.append(Sentence(sent.text[start:m.start()], sent.start + start, 0, 0))
                    start = m.end()
            out.append(Sentence(sent.text[start:], sent.start + start, 0, 0))
        paragraphs.append(out)
    report.sentences, report.paragraphs = [], []
    for para in paragraphs:
        for sent in para:
            sent.index, sent.paragraph = len(report.sentences), len(report.paragraphs)
            report.sentences.append(sent)
        report.paragraphs.append(para)
