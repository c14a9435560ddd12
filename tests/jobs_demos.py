#!/usr/bin/python3
"""tests/jobs_demos.py - tests/run.py's job for the lesson demos (docs/USER.md,
"Demos for a lesson"): each booted as init on one hart, its output judged
by what it is there to show.

  demos/abc          3 processes on one hart: runs of one letter (time
                     slicing), at least 3 runs and 5 letters a run
  demos/abc_threads  the same with threads (-t)
  demos/stride       a fair verdict, or none (the host held the hart back,
                     exit 2); never unfair (exit 1)
  demos/yieldsleep   the spinner holds most of the hart, the sleeper
                     almost none
  demos/nullw        the kernel's line naming the fault at 0x0 (no
                     mapping), and death by SIGSEGV (QEMU exits 128+11)
  demos/deepstack    1 MiB of stack grown a page per fault; 16 MiB hits
                     the 8 MiB limit, named in the fault line
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from checks import Check, qemu_outcome, why_run_failed  # noqa: E402

DEMO_TIMEOUT = 120
SIGSEGV_STATUS = 128 + 11  # an init= program killed by SIGSEGV: QEMU exits so
ABC_RE = re.compile(r"^abc: (\d+) letters in (\d+) runs", re.M)
YS_RE = re.compile(r"^(spin|yield|sleep) +(\d+) +(\d+) +(\d+)$", re.M)
DEEP_RE = re.compile(r"^deepstack: +(\d+) KiB deep, sp 0x[0-9a-f]+, +(\d+) "
                     r"stack pages, +(\d+) faults$", re.M)


def judge_abc(res):
    m = ABC_RE.search(res.output)
    if not m:
        return "no 'abc: N letters in M runs' line; " + why_run_failed(res)
    letters, runs = int(m.group(1)), int(m.group(2))
    if runs < 3 or letters < 5 * runs:
        return "%d letters in %d runs: no time slices to see" % (letters, runs)
    return "" if res.status == 0 else "exit status %s" % res.status


def judge_stride(res):
    if "stride: unfair" in res.output or res.status == 1:
        return "unfair: " + " | ".join(res.output.splitlines()[-9:])
    if res.status == 0 and "stride: fair" in res.output:
        return ""
    if res.status == 2 and "stride: no verdict" in res.output:
        return ""
    return "no verdict line; " + why_run_failed(res)


def judge_yieldsleep(res):
    rows = {m.group(1): int(m.group(2)) for m in YS_RE.finditer(res.output)}
    if set(rows) != {"spin", "yield", "sleep"}:
        return "table rows %s; %s" % (sorted(rows), why_run_failed(res))
    total = sum(rows.values()) or 1
    if rows["spin"] * 10 < total * 8:
        return "the spinner got %d of %d ticks" % (rows["spin"], total)
    if rows["sleep"] * 10 > total:
        return "the sleeper got %d of %d ticks" % (rows["sleep"], total)
    return "" if res.status == 0 else "exit status %s" % res.status


def judge_nullw(res):
    if not re.search(r"^pid \d+ \(nullw\): segmentation fault at 0x0 "
                     r"pc=0x[0-9a-f]+ \(no mapping\)$", res.output, re.M):
        return "no fault line naming 0x0; " + why_run_failed(res)
    if "still alive" in res.output:
        return "the store did not fault"
    return "" if res.status == SIGSEGV_STATUS else \
        "exit status %s, want %d" % (res.status, SIGSEGV_STATUS)


def judge_deepstack(res):
    rows = [tuple(int(g) for g in m.groups()) for m in
            DEEP_RE.finditer(res.output)]
    if len(rows) < 8 or rows[-1][0] != 1024:
        return "%d depth lines, last %s; %s" % (len(rows), rows[-1:],
                                                why_run_failed(res))
    grown = rows[-1][1] - rows[0][1]
    if grown < 240 or rows[-1][2] - rows[0][2] < grown:  # 256 pages in 1 MiB
        return "stack pages %d -> %d, faults %d -> %d: not a page a fault" % (
            rows[0][1], rows[-1][1], rows[0][2], rows[-1][2])
    return "" if res.status == 0 else "exit status %s" % res.status


def judge_deepstack_limit(res):
    if not re.search(r"^pid \d+ \(deepstack\): segmentation fault at "
                     r"0x[0-9a-f]+ pc=0x[0-9a-f]+ \(stack limit of 8 MiB "
                     r"exceeded\)$", res.output, re.M):
        return "no fault line naming the stack limit; " + why_run_failed(res)
    return "" if res.status == SIGSEGV_STATUS else \
        "exit status %s, want %d" % (res.status, SIGSEGV_STATUS)


DEMOS = [
    ("abc", "abc 3 1000", judge_abc),
    ("abc_threads", "abc -t 3 1000", judge_abc),
    ("stride", "stride", judge_stride),
    ("yieldsleep", "yieldsleep 1000", judge_yieldsleep),
    ("nullw", "nullw", judge_nullw),
    ("deepstack", "deepstack", judge_deepstack),
    ("deepstack_limit", "deepstack 16384", judge_deepstack_limit),
]


def demos_job():
    """Every demo as init on one hart, one check each."""
    checks, last = [], None
    for name, cmd, judge in DEMOS:
        res = qemu_run.run(1, "128M", 'init="%s"' % cmd, DEMO_TIMEOUT)
        bad = judge(res)
        checks.append(Check("demos/" + name, not bad, bad,
                            "%.1f s" % res.seconds if not bad else ""))
        if bad:
            last = res
    return qemu_outcome(checks, last or res)
