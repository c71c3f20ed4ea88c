"""Dates in a report, anchored to its publication date: a weekday is the most recent such day on or before
it, "yesterday" the day before, "last week" Monday to Sunday of the previous week (a span)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MON = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}

_WD = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|" \
         r"Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "the night of Saturday to Sunday": the night is coded to the day it began
    # "the night of Saturday to Sunday": the night is coded to the day it began
    ("night_of", re.compile(rf"\bnight of\s+{_WD}\s+(?:to|into)\s+{_WD}\b", re.I)),
    # "during the night of 4 to 5 March": the first day
    ("day_month", re.compile(rf"\bnight of\s+(?:the\s+)?(\d{{1,2}})\s+(?:to|into)\s+(?:the\s+)?\d{{1,2}}\s+{_MONTH}"
                             rf"(?:\s+(\d{{4}}))?\b")),
    ("two_days", re.compile(rf"\b(?:on|between)\s+{_WD}\s+and\s+{_WD}\b")),
    ("last_weekday", re.compile(rf"\blast\s+{_WD}\b", re.I)),
    ("weekday", re.compile(rf"\b{_WD}(?:'s)?\b")),
    ("days_ago", re.compile(r"\b(two|three|four|five|six|2|3|4|5|6) days ago\b", re.I)),
    ("this_week", re.compile(r"\bearlier this week\b", re.I)),
    ("weekend", re.compile(r"\b(?:over|at|during) the weekend\b|\blast weekend\b", re.I)),
    ("yesterday", re.compile(r"\byesterday\b", re.I)),
    ("today", re.compile(r"\b(?:today|this (?:morning|afternoon|evening))\b", re.I)),
    ("last_night", re.compile(r"\b(?:last night|overnight)\b", re.I)),
    ("last_week", re.compile(r"\blast week\b", re.I)),
    ("recent", re.compile(r"(?<!until )\b(?:recent(?!\s+(?:years|months|decades|weeks))|recently|in recent days|"
                          r"this week)\b", re.I)),
    ("day_month", re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}(?:\s+(\d{{4}}))?\b")),
    ("month_day", re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b")),
    ("same_day", re.compile(r"\b(?:hours|minutes|moments) (?:later|before|earlier|after)\b|\blater that "
                            r"(?:day|night|evening|morning|afternoon)\b|\bthe same (?:day|night)\b|"
                            # a paragraph opening "In the afternoon" goes on with the day just told
                            r"^(?:In|By|Later in|Early in) the (?:afternoon|evening)\b", re.I)),
]
# a date that tells when something was said, not when the event happened
# only the words of a statement may stand between ("said in a statement on", "told reporters late on"): in
# "the army said rebels attacked a base on Monday" the day is the attack's
_SAID_ON = re.compile(r"\b(?:said|says|told|stated|announced|reported|added|statement|comment(?:ed)?|conference|saying|"
                      r"communiqu[ée]s?|bulletin|briefing|"
                      r"confirmed|read)\b(?:\s+(?:in|at|to|a|an|the|its|his|her|their|our|statements?|press|news|issued|released|"
                      r"conference|briefing|interview|reporters|journalists|the media|by|telephone|phone|text|message|"
                      r"post|posted|video|televised|address|speech|separately|also|later|state|television|radio|on|"
                      r"channel|account|website|outlet|media|social|late|early|official|agency|"
                      r"(?-i:[A-Z][\w'’-]+)|[\w'’-]+'s)){0,6}?\s+(?:on|late on|early on|by)\s+$", re.I)
# "put the toll at three before revising it on Monday": the day a figure was revised, not the act's
_REVISED_ON = re.compile(r"\b(?:revis|updat|correct|rais|lower)(?:e|ed|es|ing)\s+(?:it|them|the\s+(?:\w+\s+)?"
                         r"(?:toll|figure|number|count|tally))(?:\s+\w+){0,3}?\s+(?:on|late on|early on)\s+$", re.I)
# "On Monday, the army said ...": the day of the statement
_SAID_AFTER = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?[\w' -]{2,50}?\s+(?:said|told|announced|stated|reported|"
                         r"confirmed|claimed)\b")
# a report tells news of the last weeks: a day named with a past year more than 45 days back, or any day
# more than 90 days back, is background; a day up to 120 days ahead is a plan
PAST_WINDOW_DAYS, FUTURE_WINDOW_DAYS = 45, 120
_FUTURE = re.compile(r"\b(?:starting|beginning)\s+(?:on\s+|from\s+)?[^.;,]{0,25}$|"
                     r"\b(?:next|coming|upcoming)\s+(?:week|month|year|" + _WD.lower()[1:-1] + r")\b|"
                     r"\b(?:will|would|plans? to|planned|to be held|called for|calling for|scheduled)\b"
                     r"[^.;,]{0,40}$", re.I)
# what the report tells as background: a past year, "last month", "since ..."
BACKGROUND = re.compile(r"^(?:Before (?:this|that)|Earlier|Previously|In the past)\b|"
                        r"\b(?:since|in|of|until|from)\s+(?:(?:early|late|mid-?)\s*)?(?:" + _MONTH[1:-4] +
                        r")?\s*(?:19|20)\d{2}\b|\blast (?:month|year)\b|\b(?:weeks|months|years) ago\b|"
                        r"\bsince (?:" + _MONTH[1:-4] + r"|then)\b|\bearlier this (?:year|month)\b|\brepeatedly\b|"
                        r"\b(?:so far |)this year\b|\bin recent (?:months|years)\b|\b(?:has|have) seen\b",
                        re.I)


@dataclass(frozen=True)
class When:
    start: dt.date
    end: dt.date | None  # a span's last day
    precision: str  # day, week, span
    how: str  # the words it was read from
    pos: int  # offset in the sentence


def weekday_on_or_before(pub: dt.date, name: str) -> dt.date:
    return pub - dt.timedelta(days=(pub.weekday() - WEEKDAYS.index(name.lower())) % 7)


def _month(name: str) -> int:
    return _MON[name.lower().rstrip(".")[:4] if name.lower().startswith("sept") else name.lower()[:3]]


def _one(kind: str, m: re.Match[str], pub: dt.date) -> list[When]:
    if kind == "two_days":
        a, b = weekday_on_or_before(pub, m.group(1)), weekday_on_or_before(pub, m.group(2))
        if b < a:
            a -= dt.timedelta(days=7)
        return [When(a, None, "day", m.group(0), m.start()), When(b, None, "day", m.group(0), m.start())]
    if kind == "night_of":
        day = weekday_on_or_before(pub, m.group(2)) - dt.timedelta(days=1)
        return [When(day, None, "day", m.group(0), m.start())]
    if kind == "last_weekday":  # "last Friday" on a Friday is a week before
        day = weekday_on_or_before(pub - dt.timedelta(days=1), m.group(1))
        return [When(day, None, "day", m.group(0), m.start())]
    if kind == "days_ago":
        n = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}.get(m.group(1).lower()) or int(m.group(1))
        return [When(pub - dt.timedelta(days=n), None, "day", m.group(0), m.start())]
    if kind == "this_week":
        monday = pub - dt.timedelta(days=pub.weekday())
        return [When(monday, pub, "span", m.group(0), m.start())] if monday < pub else []
    if kind == "weekend":  # the last Saturday and Sunday before the publication day
        sunday = weekday_on_or_before(pub - dt.timedelta(days=1), "sunday")
        return [When(sunday - dt.timedelta(days=1), sunday, "span", m.group(0), m.start())]
    if kind == "weekday":
        return [When(weekday_on_or_before(pub, m.group(1)), None, "day", m.group(0), m.start())]
    if kind == "yesterday":
        return [When(pub - dt.timedelta(days=1), None, "day", m.group(0), m.start())]
    if kind in ("today", "last_night"):
        day = pub if kind == "today" else pub - dt.timedelta(days=1)
        return [When(day, None, "day", m.group(0), m.start())]
    if kind == "last_week":
        monday = pub - dt.timedelta(days=pub.weekday() + 7)
        return [When(monday, monday + dt.timedelta(days=6), "span", m.group(0), m.start())]
    if kind == "recent":  # no day given: the week before publication, as a span
        return [When(pub - dt.timedelta(days=7), pub - dt.timedelta(days=1), "span", m.group(0), m.start())]
    if kind in ("day_month", "month_day"):
        d_, month, year = ((m.group(1), m.group(2), m.group(3)) if kind == "day_month"
                           else (m.group(2), m.group(1), m.group(3)))
        try:
            d = dt.date(int(year) if year else pub.year, _month(month), int(d_))
        except (ValueError, KeyError):
            return []
        if not year and d > pub:
            # a day named ahead of the report is a plan; far ahead, it is last year's (a January report's December)
            if (d - pub).days <= FUTURE_WINDOW_DAYS:
                return []
            d = d.replace(year=d.year - 1)
        if (pub - d).days > PAST_WINDOW_DAYS and (year or (pub - d).days > 2 * PAST_WINDOW_DAYS):
            return []  # a date long before the report ("the July 7, 1990 protests") is background
        return [When(d, None, "day", m.group(0), m.start())]
    return []


def old_date(sentence: str, pub: dt.date) -> bool:
    """Whether the sentence names a day long before the report or a past year ("in 2023"): background."""
    for m in _YEAR_DATE.finditer(sentence):
        g = m.groups()
        month, day, year = (g[0], g[1], g[2]) if g[0] else (g[4], g[3], g[5])
        try:
            if (pub - dt.date(int(year), _month(month), int(day))).days > PAST_WINDOW_DAYS:
                return True
        except (ValueError, KeyError):
            continue
    return any(int(y) < pub.year for y in re.findall(r"\b(?:in|since|of|until)\s+((?:19|20)\d{2})\b", sentence))


_MONTH_ALONE = re.compile(r"\b(?:in|during|throughout|for|of|since)\s+(?:(?:early|late|mid-?)\s*)?" + _MONTH[:-3] +
                          r"\b(?!\.?\s*\d)", re.I)


def past_month(sentence: str, pub: dt.date) -> bool:
    """"In March", "in August alone": a month named without a day, before the report's month, is background
    (an event of last month is coded from the report that broke it; a month's tally is no event)."""
    for m in _MONTH_ALONE.finditer(sentence):
        if m.group(1)[0].isupper() and _month(m.group(1)) != pub.month:
            return True
    return False


_YEAR_DATE = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b|"
                        rf"\b(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b")


# ", the ministry said in a statement read on national television on Tuesday evening": a statement's own day at
# the end of the sentence; a verb of action between ("said rebels attacked a base on Monday") makes it the act's
_TAIL_SAY = re.compile(r"\b(?:said|says|told|announced|stated|statement|reported|confirmed|added)\b")
_NOT_ACT = {"televised", "issued", "released", "posted", "published", "broadcasted", "aired", "emailed", "quoted",
            "recorded", "related"}


def _statement_tail(sentence: str, pos: int) -> bool:
    start = sentence.rfind(",", 0, pos)
    if start < 0:
        return False
    m = _TAIL_SAY.search(sentence, start, pos)
    if m is None:
        return False
    verbs = [w for w in re.findall(r"\b[a-z]+ed\b", sentence[m.end():pos]) if w not in _NOT_ACT]
    return not verbs


def find(sentence: str, pub: dt.date, act: int | None = None) -> list[When]:
    """The event dates a sentence gives, in order: dates of a statement ("said on Monday") and of plans
    ("next Sunday") are left out, and so is a weekday inside a two-day phrase already read. `act` is where the
    sentence's act is told, when it tells one."""
    found: list[When] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        if kind == "same_day":
            continue
        for m in pattern.finditer(sentence):
            if any(a <= m.start() < b for a, b in taken):
                continue
            before = sentence[max(0, m.start() - 50):m.start()]
            if _SAID_ON.search(before) or _REVISED_ON.search(before) \
                    or _FUTURE.search(sentence[max(0, m.start() - 40):m.end()]) \
                    or (found and _statement_tail(sentence, m.start())) \
                    or (_SAID_AFTER.match(sentence[m.end():]) and re.fullmatch(r"\s*(?:On\s+)?", before, re.I)):
                continue
            whens = _one(kind, m, pub)
            if whens and whens[0].start <= pub:
                found.extend(whens)
                taken.append((m.start(), m.end()))
    if len({w.how for w in found}) > 1:  # "overnight raids on Monday": the weekday says which night
        found = [w for w in found if w.how.lower() not in ("overnight", "last night")]
    if len(found) > 1:  # "died early today, hours after being beaten ... yesterday": the act's day, not the death's
        kept = [w for w in found if not _DEATH_DAY.search(sentence[max(0, w.pos - 60):w.pos])]
        found = kept or found
    if len(found) > 1:  # "blocked roads on Wednesday to demand justice for a student killed on Sunday": the grievance's
        kept = [w for w in found if not _GRIEVANCE.search(sentence[:w.pos])]
        found = kept or found
    if len(found) > 1:
        # "detained six men today ..., suspected of involvement in Monday's bombing": "Monday's" names an event
        # already told, and what someone is suspected of is not the act the sentence tells
        kept = [w for w in found if not (w.how.endswith("'s") or _SUSPECTED.search(sentence[:w.pos]))]
        found = kept or found
    if len(found) > 1 and act is not None:
        # "X remained under curfew on Saturday after stone-pelting ... on Thursday": the act told after "after"
        # carries its own day; the day before "after" is of the consequence
        cut = next((m.end() for m in _AFTER_ACT.finditer(sentence, 0, act)
                    if any(w.pos < m.start() for w in found) and any(w.pos > act for w in found)), None)
        found = [w for w in found if w.pos > cut] if cut is not None else found
    after = _DAYS_AFTER.search(sentence)
    if after and found and all(w.pos < after.start() for w in found) and (act is None or act > after.start()):
        # "a curfew on Thursday, two days after fighters attacked a convoy": the act is two days earlier (but in
        # "youths burned cars on Saturday, a day after a boy died" the act is the one on Saturday)
        n = _DAYS_N.get(after.group(1).lower()) or (int(after.group(1)) if after.group(1).isdigit() else 1)
        found = [When(found[-1].start - dt.timedelta(days=n), None, "day", after.group(0), after.start())]
    if len({w.precision for w in found}) > 1:  # "recently" beside a day: the day
        found = [w for w in found if w.precision == "day"]
    return sorted(found, key=lambda w: w.pos)


_AFTER_ACT = re.compile(r"\b(?:after|following)\s+"
                        r"(?!(?:a|one|two|three|four|five|six|seven|\d+)\s+(?:days?|weeks?|hours?)\b)")
_GRIEVANCE = re.compile(r"\b(?:to demand|demanding|to protest (?:against|over|at)|in protest (?:at|against|over)|"
                        r"in memory of|to mourn|to denounce|to condemn|justice for|in solidarity with)\b[^.;]*$", re.I)
_SUSPECTED = re.compile(r"\b(?:suspected of|accused of|charged with|in connection with|over their role in|"
                        r"blamed for)\b[^.;]*$", re.I)
_DAYS_AFTER = re.compile(r"\b(a|one|two|three|four|five|six|[1-6]) days? after\b", re.I)
_DAYS_N = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_DEATH_DAY = re.compile(r"\b(?:died|succumbed|passed away|pronounced dead)"
                        r"\b(?:(?!\b(?:after|when|while|before|being|as)\b)[^;.])*$", re.I)


_CAME = re.compile(r"\b(?:the|this|that)\s+(?:\w+\s+)?(?:attack|blast|bombing|strike|raid|ambush|killings?|fighting|"
                   r"clashes|protest|march|rally|arrests?|discovery|massacre|shooting|incident)\s+(?:came|happened|"
                   r"occurred|followed|took place)\b", re.I)


def days_before_told(sentence: str, act: int | None) -> int | None:
    """"The attack came two days after gunfights in X": the act told after the phrase happened N days before
    the event the sentence refers back to; N, or None."""
    after = _DAYS_AFTER.search(sentence)
    if after is None or (act is not None and act < after.end()) or not _CAME.search(sentence[:after.start()]):
        return None
    return _DAYS_N.get(after.group(1).lower()) or (int(after.group(1)) if after.group(1).isdigit() else 1)


_DAYS_LATER = re.compile(r"\b(a|one|two|three|four|five|six|[1-6]) days? later\b|\bthe (?:next|following) day\b", re.I)


def days_later(sentence: str) -> int | None:
    """"Two days later", "the next day": how many days after the event just told."""
    m = _DAYS_LATER.search(sentence)
    if m is None:
        return None
    return 1 if m.group(1) is None else _DAYS_N.get(m.group(1).lower()) or int(m.group(1))


def same_day(sentence: str) -> bool:
    """"Hours later", "hours before": the day of the event the sentence follows."""
    return bool(_PATTERNS[-1][1].search(sentence))


_DAY_BEFORE = re.compile(r"\b(?:the previous day|the day before(?! yesterday)|a day earlier|the day prior|"
                         r"the preceding day)\b", re.I)


def day_before(sentence: str) -> bool:
    """"The previous day", "a day earlier": the day before the event the report has just told."""
    return bool(_DAY_BEFORE.search(sentence))


def is_future(sentence: str) -> bool:
    return bool(re.search(r"\b(?:will|would|plans? to|planning to|is to|are to|intends? to|threaten(?:s|ed)? to|"
                          r"called for|calling for|vowed to|next (?:week|month))\s+\w+", sentence)
                and not re.search(r"\b(?:killed|attacked|struck|clashed|died|took|seized|arrested|detained|"
                                  r"rallied|marched|protested)\b", sentence))
