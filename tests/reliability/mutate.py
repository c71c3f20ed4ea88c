"""Byte-level mutations of real files: what a broken export, a bad copy or a hostile contributor
hands Cedar. Each mutation is a function (random.Random, bytes) -> bytes; `MUTATIONS` names them
all, and the fixed giants (1 MB cell, 10,000 columns, deeply nested JSON) are built by `giants`."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Callable

Mutation = Callable[[random.Random, bytes], bytes]


def truncate(r: random.Random, b: bytes) -> bytes:
    return b[: r.randrange(len(b) + 1)]


def flip_bytes(r: random.Random, b: bytes) -> bytes:
    a = bytearray(b)
    for _ in range(r.randint(1, 16)):
        if a:
            a[r.randrange(len(a))] = r.randrange(256)
    return bytes(a)


def random_block(r: random.Random, b: bytes) -> bytes:
    at = r.randrange(len(b) + 1)
    return b[:at] + r.randbytes(r.randint(1, 512)) + b[at:]


def nul_bytes(r: random.Random, b: bytes) -> bytes:
    a = bytearray(b)
    for _ in range(r.randint(1, 8)):
        a.insert(r.randrange(len(a) + 1), 0)
    return bytes(a)


def wrong_encoding(r: random.Random, b: bytes) -> bytes:
    text = b.decode("utf-8", "replace")
    enc = r.choice(["utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1", "shift_jis", "koi8-r", "cp1251"])
    return text.encode(enc, "replace")


def bom_and_line_endings(r: random.Random, b: bytes) -> bytes:
    b = r.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"", b"\xef\xbb\xbf\xef\xbb\xbf"]) + b
    return r.choice([b, b.replace(b"\n", b"\r\n"), b.replace(b"\n", b"\r"), b.replace(b"\r\n", b"\n")])


def shuffle_lines(r: random.Random, b: bytes) -> bytes:
    lines = b.split(b"\n")
    op = r.choice(["drop", "dup", "swap", "cut-quote"])
    i = r.randrange(len(lines))
    if op == "drop":
        del lines[i]
    elif op == "dup":
        lines.insert(i, lines[i])
    elif op == "swap":
        j = r.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines[i] = lines[i][: len(lines[i]) // 2] + b'"' + lines[i][len(lines[i]) // 2:]
    return b"\n".join(lines)


def splice_quotes_and_separators(r: random.Random, b: bytes) -> bytes:
    a = bytearray(b)
    for _ in range(r.randint(1, 12)):
        if a:
            a[r.randrange(len(a))] = r.choice(b'",;\t\n\r{}[]:\\')
    return bytes(a)


def big_cell(r: random.Random, b: bytes) -> bytes:
    """One value becomes 1 MB long (a quoted JSON string, or a CSV cell)."""
    huge = (r.choice(["A", "é", "مرحبا", "😀", "x y "]) * (1 << 20))[: 1 << 20].encode("utf-8")
    quote = b.find(b'": "')
    if quote >= 0 and r.random() < 0.5:
        end = b.find(b'"', quote + 4)
        return b[: quote + 4] + huge + b[end:]
    lines = b.split(b"\n")
    if len(lines) > 1:
        row = lines[1].split(b",")
        row[r.randrange(len(row))] = huge
        lines[1] = b",".join(row)
    return b"\n".join(lines)


def numbers(r: random.Random, b: bytes) -> bytes:
    """Numbers swapped for ones no reader expects: huge, negative, NaN, exponents."""
    out = bytearray()
    for ch in b:
        if 48 <= ch <= 57 and r.random() < 0.05:
            out += r.choice([b"1e309", b"-0", b"NaN", b"Infinity", b"99999999999999999999999", b"-1", b"0x10", b"1_0"])
        else:
            out.append(ch)
    return bytes(out)


MUTATIONS: dict[str, Mutation] = {f.__name__: f for f in (
    truncate, flip_bytes, random_block, nul_bytes, wrong_encoding, bom_and_line_endings, shuffle_lines,
    splice_quotes_and_separators, big_cell, numbers)}


def mutate(r: random.Random, b: bytes) -> tuple[str, bytes]:
    """One or two mutations in a row; the name says which."""
    names = r.sample(sorted(MUTATIONS), r.choice([1, 1, 2]))
    for name in names:
        b = MUTATIONS[name](r, b)
    return "+".join(names), b


def giants(folder: Path, csv_sample: bytes, json_sample: bytes) -> dict[str, Path]:
    """The fixed attacks of the issue: a 1 MB cell, 10,000 columns, deeply nested JSON, a NUL-only
    file, a file of one endless line, an empty file."""
    folder.mkdir(parents=True, exist_ok=True)
    header, first = csv_sample.split(b"\n")[:2]
    made: dict[str, bytes] = {}
    made["columns-10000.csv"] = (header + b"," + b",".join(b"c%d" % i for i in range(10_000)) + b"\n" + first + b","
                                 + b",".join(b"v" for _ in range(10_000)) + b"\n")
    made["columns-10000-only.csv"] = b",".join(b"c%d" % i for i in range(10_000)) + b"\n" + b",".join(
        b"%d" % i for i in range(10_000)) + b"\n"
    cells = first.split(b",")
    cells[len(cells) // 2] = b'"' + b"A" * (1 << 20) + b'"'
    made["cell-1mb.csv"] = header + b"\n" + b",".join(cells) + b"\n"
    events = json.loads(json_sample)
    events[0]["notes"] = "é" * (1 << 20)
    made["cell-1mb.json"] = json.dumps(events, ensure_ascii=False).encode("utf-8")
    made["nested-100000.json"] = b"[" * 100_000 + b"]" * 100_000
    made["nested-100000.jsonl"] = b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"\n"
    nested_value = json.loads(json_sample)
    nested_value[0]["sources"][0]["name"] = None
    text = json.dumps(nested_value).replace("null", '{"x":' * 5_000 + "1" + "}" * 5_000, 1)
    made["nested-in-field.json"] = text.encode("utf-8")
    made["nested-unclosed.json"] = b'{"events": ' + b"[" * 200_000
    made["nul-only.csv"] = b"\0" * 4096
    made["nul-only.json"] = b"\0" * 4096
    made["one-endless-line.csv"] = header + b"\n" + b"x" * (8 << 20)
    made["empty.csv"] = b""
    made["empty.jsonl"] = b""
    made["only-header.csv"] = header + b"\n"
    made["utf16.csv"] = csv_sample.decode("utf-8").encode("utf-16")
    made["json-scalar.json"] = b"42"
    made["json-object.json"] = b'{"event_date": "2023-09-19"}'
    made["jsonl-arrays.jsonl"] = b"[1,2,3]\n[]\n\"x\"\nnull\n"
    made["long-line-no-newline.jsonl"] = b'{"notes": "' + b"z" * (4 << 20) + b'"'
    paths = {}
    for name, data in made.items():
        p = folder / name
        p.write_bytes(data)
        paths[name] = p
    return paths
