#!/usr/bin/python3
"""tests/checks.py - what every group of tests/run.py's jobs shares.

A job returns an Outcome: its Checks (name, ok, why it failed, a note)
and, when one failed, the console tail to show. qemu_outcome() builds one
from a QEMU run (tests/qemu_run.py); why_run_failed() says in a few words
why a run ended unexpectedly.
"""
import os
import re
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from qemu_run import symbolize  # noqa: E402

PANIC_RE = re.compile(r"^panic: .*$", re.M)
BOOT_RE = re.compile(r"^Kite \S+: (\d+) harts, (\d+) MiB$", re.M)
BOOT_TIMEOUT = 60  # seconds for a boot to reach its goal


@dataclass
class Check:
    name: str
    ok: bool
    why: str = ""
    note: str = ""


@dataclass
class Outcome:
    checks: list
    tail: list = None           # console lines shown if any check failed


def tail_of(text, n=qemu_run.TAIL_LINES):
    lines = symbolize.symbolize_text(text).rstrip("\n").split("\n")
    return lines[-n:]


def why_run_failed(res):
    """A short reason for an unexpected end of a QEMU run."""
    panic = PANIC_RE.search(res.output)
    if panic:
        return panic.group(0)
    if res.timed_out:
        return "timed out after %.0f s" % res.seconds
    return "QEMU exit status %s" % res.status


def qemu_outcome(checks, res):
    failed = any(not c.ok for c in checks)
    return Outcome(checks, tail_of(res.output) if failed else None)
