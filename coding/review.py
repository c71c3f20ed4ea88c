"""The review page of `cedar code --review`: one self-contained HTML file (no external assets, every text
escaped) with the report on the left, each sentence an event rests on highlighted in its event's colour,
and each proposed event on the right with its fields and its evidence."""

from __future__ import annotations

import html
from typing import Any

from .propose import Proposal

_COLOURS = ("#ffe08a", "#b5e3ff", "#c8f2c2", "#ffc9de", "#e0d1ff", "#ffd7b0", "#d2f0ef", "#f0e2c8")
_CSS = """body{font-family:system-ui,sans-serif;margin:0;display:flex;gap:1.5em;padding:1em;color:#222}
.article{flex:1 1 55%;white-space:pre-wrap;line-height:1.5;max-width:48em}
.events{flex:1 1 45%}.event{border:1px solid #ccc;border-radius:6px;padding:.6em .8em;margin-bottom:.8em}
.event h3{margin:.1em 0 .4em;font-size:1em}mark{padding:0 .1em;border-radius:3px}
table{border-collapse:collapse;font-size:.9em}td{padding:.1em .5em;vertical-align:top}td:first-child{color:#555}
.note{font-size:.85em;color:#555}.tag{font-size:.75em;vertical-align:super;font-weight:bold}"""
_FIELDS = ("event_date", "event_date_end", "date_precision", "event_type", "sub_event_type", "actor1", "inter1",
           "actor2", "inter2", "target_kind", "location", "admin1", "geo_precision", "fatalities", "fatalities_low",
           "fatalities_high", "verification_status", "verification_basis", "claimed_by", "denied_by")


def page(proposal: Proposal, title: str) -> str:
    text = proposal.report.text
    marks: dict[int, list[tuple[int, int]]] = {}
    for n, spans in enumerate(proposal.spans):
        for start, end in spans:
            marks.setdefault(start, []).append((end, n))
    out: list[str] = []
    pos = 0
    for start in sorted(marks):
        if start < pos:
            continue
        end = max(e for e, _ in marks[start])
        events = sorted({n for _, n in marks[start]})
        colour = _COLOURS[events[0] % len(_COLOURS)]
        tags = "".join(f'<span class="tag">{n + 1}</span>' for n in events)
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark style="background:{colour}" title="event {", ".join(str(n + 1) for n in events)}">'
                   f"{html.escape(text[start:end])}</mark>{tags}")
        pos = end
    out.append(html.escape(text[pos:]))
    cards = [_card(n, e) for n, e in enumerate(proposal.events)] or ["<p>No event proposed.</p>"]
    unfilled = "".join(f"<li>{html.escape(u)}</li>" for u in proposal.unfilled)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_CSS}</style></head><body><div class=\"article\">{''.join(out)}</div>"
            f'<div class="events"><h2>{len(proposal.events)} proposed event(s)</h2>'
            f'<p class="note">Proposed by machine: every field is a guess to check against the highlighted '
            f"sentences.</p>{''.join(cards)}" + (f"<h3>Not filled</h3><ul>{unfilled}</ul>" if unfilled else "")
            + "</div></body></html>\n")


def _card(n: int, e: dict[str, Any]) -> str:
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(_show(e.get(k)))}</td></tr>"
                   for k in _FIELDS if e.get(k) not in (None, [], ""))
    colour = _COLOURS[n % len(_COLOURS)]
    return (f'<div class="event" style="border-left:6px solid {colour}"><h3>{n + 1}. '
            f"{html.escape(e['sub_event_type'])} in {html.escape(e['location'])}, {html.escape(e['event_date'])}</h3>"
            f"<table>{rows}</table><p class=\"note\">{html.escape(e.get('verification_note') or '')}</p></div>")


def _show(v: Any) -> str:
    return ", ".join(map(str, v)) if isinstance(v, list) else str(v)
