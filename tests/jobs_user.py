#!/usr/bin/python3
"""tests/jobs_user.py - tests/run.py's jobs that boot a user program as init:
usertests, rtests and vmtests (a check per ok/FAIL line; for vmtests
also the kernel's console messages of its stack overflows and OOM kill),
the fuzzer, the same
under fault injection (failalloc=), fpcheck, the static binary built
outside Kite and the stress tests (user/apps/stress/).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from checks import (BOOT_TIMEOUT, Check, PANIC_RE, qemu_outcome,  # noqa: E402
                    why_run_failed)


FUZZ_CALLS, FUZZ_PROCS, FUZZ_SEEDS = 60000, 4, (1, 2, 3, 4)


def fuzz_job(seed, cpus=4, failalloc=None):
    """Random system calls, mappings and touches from FUZZ_PROCS
    processes at once, forking and exiting as they go: the kernel
    survives and every frame comes back (user/apps/fuzz.c). failalloc:
    also fail 1 in N allocations (and tell the fuzzer, which then takes
    a process killed for want of memory as no error)."""
    name = "fuzz[seed=%d]" % seed
    args = 'init="fuzz %d %d %d"' % (FUZZ_CALLS, seed, FUZZ_PROCS)
    if failalloc:
        name = "failalloc/fuzz[cpus=%d,seed=%d]" % (cpus, seed)
        args = 'init="fuzz %d %d %d failalloc" failalloc=%d,%d' % (
            FUZZ_CALLS, seed, FUZZ_PROCS, failalloc, seed)
    res = qemu_run.run(cpus, "128M", args, 180)
    ok = res.status == 0 and "kernel fine, every frame back" in res.output
    why = "" if ok else why_run_failed(res)
    return qemu_outcome([Check(name, ok, why)], res)


FAILALLOC_N = 300  # 1 in N allocations of user processes fails


def failalloc_usertests_job(cpus, seed):
    """usertests with allocations failing at random (failalloc=N,SEED):
    tests may fail for want of memory, but nothing panics or hangs, the
    run ends with its summary, and every frame comes back."""
    name = "failalloc/usertests[cpus=%d,seed=%d]" % (cpus, seed)
    res = qemu_run.run(cpus, "128M", 'init="usertests --harts=%d" '
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


def fpcheck_job(cpus):
    """Each process has its own floating-point registers: zero at start,
    inherited by fork, kept across switches (user/apps/fpcheck.c)."""
    res = qemu_run.run(cpus, "128M", 'init="fpcheck"', 120)
    ok = res.status == 0 and "fpcheck: ok" in res.output
    return qemu_outcome([Check("fpcheck[cpus=%d]" % cpus, ok,
                               "" if ok else why_run_failed(res))], res)


# ---- user programs as init ---------------------------------------------------

USERTESTS_TIMEOUT = 300
USERTESTS_RE = re.compile(r"^(ok|FAIL) (\S+)(?: \((.*)\))?(?:: (.*))?$", re.M)
USERTESTS_SUM_RE = re.compile(
    r"^(?:usertests|rtests|vmtests): (\d+) passed, (\d+) failed$", re.M)
NOT_EMBEDDED_RE = re.compile(r"init: cannot start '[^']*': error -2$", re.M)
# what usertests' exec_args test makes echoargs print (user/apps/echoargs.c)
ECHOARGS_LINES = ["echoargs: argc=3", "argv[0]=echoargs", "argv[1]=one",
                  "argv[2]=two words", "envp[0]=KITE=1", "envp[1]=EMPTY=",
                  "echoargs: argc=4", "argv[1]=spawned", "argv[3]="]


# What the kernel prints when vmtests' tests make it kill a process
# (user/apps/vmtests/): test -> (check, pattern, what the line says).
# Checked only when the test itself passed (else its FAIL line says
# enough); not anchored, as a kernel line may follow a piece of a user
# line.
SEGV_RE = (r"pid \d+ \(vmtests\): segmentation fault at 0x[0-9a-f]+ "
           r"pc=0x[0-9a-f]+ \(stack limit of %d MiB exceeded\)")
VM_MESSAGES = {
    "stack_overflow": ("stack_message", SEGV_RE % 8,
                       "segmentation fault ... (stack limit of 8 MiB exceeded)"),
    "stack_rlimit": ("rlimit_message", SEGV_RE % 1,
                     "segmentation fault ... (stack limit of 1 MiB exceeded)"),
    "oom": ("oom_message", r"out of memory: killed pid \d+ \(vmtests\), "
            r"\d+ KiB", "out of memory: killed pid N (vmtests), M KiB"),
}


def vm_message_checks(name, output):
    """A check per VM_MESSAGES test that passed: its console line is
    there."""
    passed = {m.group(2) for m in USERTESTS_RE.finditer(output)
              if m.group(1) == "ok"}
    checks = []
    for test, (check, pattern, says) in VM_MESSAGES.items():
        if test in passed:
            found = re.search(pattern, output)
            checks.append(Check("%s/%s" % (name, check), bool(found),
                                "" if found else "%s passed, but the kernel "
                                "printed no '%s' line" % (test, says)))
    return checks


def usertests_job(cpus, prog="usertests"):
    """Boot init="PROG --harts=N" (usertests, rtests or vmtests); each
    ok/FAIL line is a check."""
    name = "%s[cpus=%d]" % (prog, cpus)
    res = qemu_run.run(cpus, "128M", 'init="%s --harts=%d"' % (prog, cpus),
                       USERTESTS_TIMEOUT)
    checks = [Check("%s/%s" % (name, m.group(2)), m.group(1) == "ok",
                    m.group(4) or "", m.group(3) or "")
              for m in USERTESTS_RE.finditer(res.output)]
    if prog == "usertests":
        lines = set(res.output.splitlines())
        missing = [l for l in ECHOARGS_LINES if l not in lines]
        checks.append(Check(name + "/echoargs_output", not missing,
                            "missing lines %r" % missing if missing else ""))
    if prog == "vmtests":
        checks += vm_message_checks(name, res.output)
    summary = USERTESTS_SUM_RE.search(res.output)
    if res.status == 0 and summary and summary.group(2) == "0":
        checks.append(Check(name, True, note="%s passed, %.1f s"
                            % (summary.group(1), res.seconds)))
    elif not summary:
        checks.append(Check(name, False, why_run_failed(res) +
                            "; no usertests summary"))
    else:
        checks.append(Check(name, False, "%s; exit status %s"
                            % (summary.group(0), res.status)))
    return qemu_outcome(checks, res)


def static_hello_job():
    """A static binary built without Kite's library (tests/extra) as init."""
    res = qemu_run.run(2, "128M", 'init="static_hello"', BOOT_TIMEOUT)
    lines = res.output.splitlines()
    bad = ""
    if NOT_EMBEDDED_RE.search(res.output):
        bad = "static_hello not embedded (make extra; APPS_EXTRA=build/extra)"
    elif not any(re.match(r"^static hello, pid \d+$", l) for l in lines):
        bad = "no 'static hello, pid N' line; " + why_run_failed(res)
    elif "Hello, Kite!" not in lines or "child exited 233" not in lines:
        bad = "the child's 'Hello, Kite!' or 'child exited 233' is missing"
    elif res.status != 42:
        bad = "expected exit status 42; " + why_run_failed(res)
    return qemu_outcome([Check("static_hello", not bad, bad)], res)


# ---- stress tests (user/apps/stress/) --------------------------------------

STRESS_FAIL_RE = re.compile(r"^stress \S+: FAIL: .*$", re.M)
STRESS_SAID_RE = re.compile(r"^stress \S+: (\d+) s$")
# One hart under -icount: guest time is counted in instructions (1 per
# 2 ns), so the stall test's 20 ms bound on wakeups measures the kernel,
# not the host's scheduling of QEMU's threads, which alone makes wakeups
# tens of ms late on a busy host.
ICOUNT = ("-icount", "shift=1,sleep=off")
# name: (harts, arguments, timeout in s, extra QEMU arguments). On one
# hart a kill can only be lost in the instant its victim enters a
# blocking call, so kill[cpus=1] weights the l kind (spin, then sleep).
STRESS = {
    "ps[cpus=1]": (1, "ps 10", 60, ()),
    "ps[cpus=4]": (4, "ps 20", 60, ()),
    "kill[cpus=1]": (1, "kill 1200 1 snlllwr", 90, ()),
    "kill[cpus=4]": (4, "kill 1200 2", 90, ()),
    "stall[cpus=1]": (1, "stall 10", 120, ICOUNT),
    "sleep[cpus=1]": (1, "sleep", 60, ()),
}


def stress_job(key):
    """Boot init="stress ARGS": passes with its "stress NAME: ok" line and
    exit status 0; else the FAIL line, the panic or the time-out."""
    cpus, args, timeout, extra = STRESS[key]
    name = "stress/" + key
    test = args.split()[0]
    res = qemu_run.run(cpus, "128M", 'init="stress %s"' % args, timeout,
                       qemu_extra=extra)
    done = re.search(r"^stress %s: ok \((.*)\)$" % test, res.output, re.M)
    failed = STRESS_FAIL_RE.search(res.output)
    if res.status == 0 and done:
        return qemu_outcome([Check(name, True, note="%s; %.0f s"
                                   % (done.group(1), res.seconds))], res)
    if PANIC_RE.search(res.output) or not failed:
        why = why_run_failed(res)
        said = [(t, m.group(1)) for t, l in res.lines
                for m in [STRESS_SAID_RE.match(l)] if m]
        if res.timed_out and said:   # ps and stall say "N s" every 5 s
            why += "; it last said '%s s', %.0f s into the run" % (
                said[-1][1], said[-1][0])
        elif res.timed_out and test in ("ps", "stall"):
            why += "; it stopped before saying '5 s'"
    else:
        why = failed.group(0)
    return qemu_outcome([Check(name, False, why)], res)
