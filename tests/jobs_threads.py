#!/usr/bin/python3
"""tests/jobs_threads.py - tests/run.py's jobs for threads beyond thtests
(which runs like usertests, tests/jobs_user.py): the two thread apps.
glibc's threads are the Linux suite's lx_pthreads (tests/jobs_linux.py).

  threads[cpus=N]   user/apps/threads.c as init: 8 threads adding to a
                    counter behind a futex mutex; the total must be exact
                    and (on more than one hart) more than one hart used
  prodcons[cpus=N]  user/apps/prodcons.c as init: 3 producers and 3
                    consumers on a condition variable; count and sum exact
  thtests/timing    thtests' timed waits (futex_timeout, cond_broadcast's
                    timed wait) alone on 1 hart under -icount (guest time
                    counted in instructions, so the host's load adds no
                    lateness): each ends within a tick (--late-ms=10)
  failalloc/thtests[cpus=N,seed=S]
                    thtests with 1 in FAILALLOC_N allocations failing:
                    tests may fail for want of memory, but nothing panics
                    or hangs, the run ends with its summary, and every
                    frame comes back (clone's, futex's and exit's error
                    paths)
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from checks import Check, qemu_outcome, why_run_failed  # noqa: E402
from checks import PANIC_RE  # noqa: E402
from jobs_user import (FAILALLOC_N, ICOUNT, USERTESTS_RE,  # noqa: E402
                       USERTESTS_SUM_RE, USERTESTS_TIMEOUT)

APP_TIMEOUT = 120
THREADS_RE = re.compile(r"^threads: (\d+) threads x (\d+) = (\d+) \((ok|WRONG)\)"
                        r", on harts((?: \d+)*)$", re.M)
PRODCONS_RE = re.compile(r"^prodcons: (\d+) producers, (\d+) consumers, "
                         r"(\d+) items, sum (\d+) \((ok|WRONG)\)", re.M)


def threads_job(cpus):
    """threads 8 20000: 160000 exactly, on several harts if there are."""
    name = "threads[cpus=%d]" % cpus
    res = qemu_run.run(cpus, "128M", 'init="threads 8 20000"', APP_TIMEOUT)
    m = THREADS_RE.search(res.output)
    if not m:
        bad = "no 'threads: ...' line; " + why_run_failed(res)
    elif m.group(4) != "ok" or int(m.group(3)) != 160000:
        bad = m.group(0)
    elif cpus > 1 and len(m.group(5).split()) < 2:
        bad = "every thread ran on one hart: " + m.group(0)
    elif res.status != 0:
        bad = "exit status %s" % res.status
    else:
        bad = ""
    note = "harts%s, %.1f s" % (m.group(5), res.seconds) if not bad else ""
    return qemu_outcome([Check(name, not bad, bad, note)], res)


def prodcons_job(cpus):
    """prodcons 3 3 10000: 30000 items summing to 3 * 10000 * 10001 / 2."""
    name = "prodcons[cpus=%d]" % cpus
    res = qemu_run.run(cpus, "128M", 'init="prodcons 3 3 10000"', APP_TIMEOUT)
    m = PRODCONS_RE.search(res.output)
    if not m:
        bad = "no 'prodcons: ...' line; " + why_run_failed(res)
    elif m.group(5) != "ok" or int(m.group(3)) != 30000 or \
            int(m.group(4)) != 3 * 10000 * 10001 // 2:
        bad = m.group(0)
    elif res.status != 0:
        bad = "exit status %s" % res.status
    else:
        bad = ""
    return qemu_outcome([Check(name, not bad, bad, "%.1f s" % res.seconds
                               if not bad else "")], res)


TIMING_TESTS = "futex_timeout cond_broadcast"


def timing_job():
    """The timed waits, exact to a tick where the host cannot add to
    them: a check per ok/FAIL line and one for the summary."""
    name = "thtests/timing"
    res = qemu_run.run(1, "128M", 'init="thtests --harts=1 --late-ms=10 %s"'
                       % TIMING_TESTS, APP_TIMEOUT, qemu_extra=ICOUNT)
    checks = [Check("%s/%s" % (name, m.group(2)), m.group(1) == "ok",
                    m.group(4) or "", m.group(3) or "")
              for m in USERTESTS_RE.finditer(res.output)]
    summary = USERTESTS_SUM_RE.search(res.output)
    ok = res.status == 0 and summary and summary.group(2) == "0"
    checks.append(Check(name, bool(ok), "" if ok else
                        (summary.group(0) if summary else
                         why_run_failed(res) + "; no summary")))
    return qemu_outcome(checks, res)


def failalloc_thtests_job(cpus, seed):
    """thtests under failalloc=N,SEED: no panic, no hang, a summary, and
    every frame back."""
    name = "failalloc/thtests[cpus=%d,seed=%d]" % (cpus, seed)
    res = qemu_run.run(cpus, "128M", 'init="thtests --harts=%d" '
                       'failalloc=%d,%d' % (cpus, FAILALLOC_N, seed),
                       USERTESTS_TIMEOUT)
    summary = USERTESTS_SUM_RE.search(res.output)
    frames = re.search(r"^(ok|FAIL) frames\b.*$", res.output, re.M)
    if PANIC_RE.search(res.output) or res.timed_out or not summary:
        bad = why_run_failed(res) + ("" if summary else "; no summary")
    elif res.status not in (0, 1):
        bad = "exit status %s" % res.status
    elif not frames or frames.group(1) != "ok":
        bad = frames.group(0) if frames else "no frames line"
    else:
        bad = ""
    note = summary.group(0) if summary and not bad else ""
    return qemu_outcome([Check(name, not bad, bad, note)], res)
