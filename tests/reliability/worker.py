"""A `cedar` command line that stays up: it reads one JSON list of arguments per line on stdin,
runs `cedar ARGS` in-process exactly as `python -m cedar ARGS` would (cedar.cli.main, SystemExit
for the exit code), and answers one JSON line: exit code, stdout, stderr, or the traceback of an
exception that escaped. Imported once, it runs hundreds of fuzz cases a second where a fresh
process per case would take half a second each; the parent (Worker below) still bounds every
case with a deadline and kills the process with SIGKILL when a case hangs.

stdout is a strict UTF-8 text stream over bytes, like a real terminal's, so a report that cannot
be encoded fails here as it would for a user.
"""

from __future__ import annotations

import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path


def _serve() -> None:
    from cedar.cli import main as cedar_main

    answer = sys.stdout
    for line in sys.stdin:
        args = json.loads(line)
        out_b, err_b = io.BytesIO(), io.BytesIO()
        out = io.TextIOWrapper(out_b, encoding="utf-8", errors="strict", newline="\n")
        err = io.TextIOWrapper(err_b, encoding="utf-8", errors="backslashreplace", newline="\n")
        sys.stdout, sys.stderr = out, err
        sys.argv = ["cedar", *args]
        kind, code, tb = "exit", 0, ""
        t = time.perf_counter()
        try:
            cedar_main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - this is what the fuzzing looks for
            kind, code, tb = "traceback", None, traceback.format_exc()
        finally:
            for s in (out, err):
                try:
                    s.flush()
                except Exception:  # noqa: BLE001
                    pass
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        answer.write(json.dumps({"kind": kind, "code": code, "seconds": time.perf_counter() - t,
                                 "stdout": out_b.getvalue().decode("utf-8", "replace"),
                                 "stderr": err_b.getvalue().decode("utf-8", "replace"), "traceback": tb}) + "\n")
        answer.flush()


@dataclass
class Result:
    kind: str  # exit | traceback | hang | died
    code: int | None
    stdout: str
    stderr: str
    traceback: str
    seconds: float
    args: list[str]

    def ok(self) -> bool:
        """The rule: an exit code of 0, 1 or 2 (or 130), never a traceback, a hang or a crash."""
        return self.kind == "exit" and self.code in (0, 1, 2) and "Traceback (most recent call last)" not in \
            self.stderr

    def why(self) -> str:
        return (f"cedar {' '.join(self.args)[:300]}: {self.kind} (exit {self.code}, {self.seconds:.1f} s)\n"
                f"{self.traceback or self.stderr[-2000:]}")


class Worker:
    """The parent's end: `run(args, timeout)` returns a Result; a case that takes longer than
    `timeout` seconds is a hang: the worker is killed (SIGKILL) and a fresh one started."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None):
        self.cwd = cwd
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.started = 0

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=self.cwd, env=self.env, text=True,
                                     encoding="utf-8")
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc, self.lines), daemon=True).start()
        self.started += 1

    @staticmethod
    def _pump(proc: subprocess.Popen, lines: queue.Queue) -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def run(self, args: list[str], timeout: float = 30.0) -> Result:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        t = time.monotonic()
        try:
            self.proc.stdin.write(json.dumps([str(a) for a in args]) + "\n")
            self.proc.stdin.flush()
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self._kill()
            return Result("hang", None, "", "", "", time.monotonic() - t, args)
        except BrokenPipeError:
            line = None
        if line is None:
            code = self.proc.wait(timeout=10)
            self.proc = None
            return Result("died", code, "", "", "", time.monotonic() - t, args)
        d = json.loads(line)
        return Result(d["kind"], d["code"], d["stdout"], d["stderr"], d["traceback"], d["seconds"], args)

    def _kill(self) -> None:
        if self.proc is not None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
            self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._kill()
        self.proc = None


if __name__ == "__main__":
    _serve()
