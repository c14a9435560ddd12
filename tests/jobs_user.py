#!/usr/bin/python3
"""tests/jobs_user.py - tests/run.py's jobs that boot a user program as init:
usertests, rtests, vmtests and captests (a check per ok/FAIL line; for
vmtests also the kernel's console messages of its stack overflows and OOM
kill, for captests the lines its children print),
the fuzzer, the same
under fault injection (failalloc=), fpcheck, the static binary built
outside Kite, the stress tests (user/apps/stress/) and vm_cases (the
table of what Linux does with mmap and friends, under qemu-user and on
Kite).
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from checks import (BOOT_TIMEOUT, Check, Outcome, PANIC_RE,  # noqa: E402
                    qemu_outcome, why_run_failed)


FUZZ_CALLS, FUZZ_PROCS, FUZZ_SEEDS = 60000, 4, (1, 2, 3, 4)


def fuzz_job(seed, cpus=4, failalloc=None):
    """Random system calls, mappings and touches from FUZZ_PROCS
    processes at once, forking and exiting as they go: the kernel
    survives and every frame comes back (user/apps/fuzz/). failalloc:
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
    r"^(?:[a-z]+tests): "
    r"(\d+) passed, "
    r"(\d+) failed$",
    re.M)
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


# What captests' children print (user/apps/captests/): check -> pattern
CAPTESTS_LINES = {
    "putc_line": r"^captests: putc works$",
    "capspawn_hello": r"^Hello, Kite!$",
    "capspawn_reply": r'^capspawn: reply: pid \d+ read "hello from capspawn, '
                      r'pid \d+"$',
    "capmsg_message": r"^capmsg: message: ping$",
}


def captests_checks(name, output):
    """The lines captests' putc and capspawn runs print (a test cannot
    see its children's output)."""
    return [Check("%s/%s" % (name, check), bool(re.search(pat, output, re.M)),
                  "" if re.search(pat, output, re.M) else
                  "no line matching %r" % pat)
            for check, pat in CAPTESTS_LINES.items()]


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
    if prog == "captests":
        checks += captests_checks(name, res.output)
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


USERMEM = "16M"
USERMEM_TESTS = "oom demand_zero stack_4m mmap_basic shared_pingpong"
OOM_KIB_RE = re.compile(r"out of memory: killed pid \d+ \(vmtests\), (\d+) KiB")


def test_lines_job(name, cpus, bootargs, extra_checks=None,
                   timeout=USERTESTS_TIMEOUT):
    """Boot with bootargs; a check per ok/FAIL line of the test program,
    extra_checks(name, output) -> more checks, and one for its summary."""
    res = qemu_run.run(cpus, "128M", bootargs, timeout)
    checks = [Check("%s/%s" % (name, m.group(2)), m.group(1) == "ok",
                    m.group(4) or "", m.group(3) or "")
              for m in USERTESTS_RE.finditer(res.output)]
    if extra_checks:
        checks += extra_checks(name, res.output)
    summary = USERTESTS_SUM_RE.search(res.output)
    ok = res.status == 0 and summary and summary.group(2) == "0"
    checks.append(Check(name, bool(ok), "" if ok else
                        (summary.group(0) if summary else
                         why_run_failed(res) + "; no summary"),
                        "%.1f s" % res.seconds if ok else ""))
    return qemu_outcome(checks, res)


def killed_at_cap(name, output):
    """The OOM kill came at the 16 MiB cap (its page tables allowed)."""
    kib = [int(k) for k in OOM_KIB_RE.findall(output)]
    good = bool(kib) and all(k <= 16 * 1024 + 1024 for k in kib)
    return [Check(name + "/killed_at_cap", good, "" if good else
                  "OOM kills of %r KiB (want one, at most the 16 MiB cap "
                  "and its page tables)" % kib)]


def usermem_job(cpus):
    """vmtests' memory-hungry tests with user pages capped at 16 MiB
    (boot argument usermem=): the OOM kill comes at the cap, not at the
    end of RAM, and everything else still works within it."""
    return test_lines_job("usermem=%s/vmtests[cpus=%d]" % (USERMEM, cpus),
                          cpus, 'init="vmtests --harts=%d %s" usermem=%s'
                          % (cpus, USERMEM_TESTS, USERMEM), killed_at_cap)


SWAP_POLICIES = ("clock", "lru", "fifo")
SWAP_USERMEM = "4M"  # the working sets are 3 times this
# 2-3 minutes, more on a busy host: workset_3x, oom_swap_full and
# shared_3x each move some 50,000 pages to and from the disk
SWAPTESTS_TIMEOUT = 420


def swaptests_job(policy, cpus):
    """user/apps/swaptests.c with user pages capped at 4 MiB and the
    64 MiB swap disk: working sets 3x the cap, fork over swapped pages,
    three processes at once, kills while swapping, memory and swap full,
    shared memory 3x the cap used by two processes at once; every page
    comes back whole, every frame and swap slot is back at the end."""
    return test_lines_job("swaptests[%s,cpus=%d]" % (policy, cpus), cpus,
                          'init="swaptests --harts=%d" usermem=%s swap=%s'
                          % (cpus, SWAP_USERMEM, policy),
                          timeout=SWAPTESTS_TIMEOUT)


SWAPDEMO_ROW_RE = re.compile(
    r"^(?:(sequential|random|loop)\s+(\d+)\s+(\d+)|\s+)\s+(clock|lru|fifo)"
    r"\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.M)
SWAPDEMO_BELADY_RE = re.compile(r"^\s+(clock|lru|fifo)\s+(\d+)\s+(\d+)(.*)$",
                                re.M)


def swapdemo_judge(output):
    """What the swapdemo table must show; "" if it does."""
    rows, work, refs = {}, None, 0
    for m in SWAPDEMO_ROW_RE.finditer(output):
        if m.group(1):
            work, refs = m.group(1), int(m.group(3))
        rows[(work, m.group(4))] = (int(m.group(5)), refs)
    want = [(w, p) for w in ("sequential", "random", "loop")
            for p in ("clock", "lru", "fifo")]
    missing = [w + "/" + p for w, p in want if (w, p) not in rows]
    if missing:
        return "no table row for " + ", ".join(missing)
    for p in ("clock", "lru", "fifo"):  # no policy keeps a set > memory
        faults, refs = rows[("sequential", p)]
        if faults < 0.9 * refs:
            return "sequential under %s: %d faults in %d refs" % (p, faults, refs)
    faults, refs = rows[("loop", "fifo")]
    if faults < 0.9 * refs:
        return "loop under fifo: %d faults in %d refs (want nearly every one)" \
            % (faults, refs)
    best = min(rows[("random", "clock")][0], rows[("random", "lru")][0])
    if best >= rows[("random", "fifo")][0]:
        return "random: clock/lru took %d faults, fifo %d (want fewer)" \
            % (best, rows[("random", "fifo")][0])
    bel = {m.group(1): (int(m.group(2)), int(m.group(3)), m.group(4))
           for m in SWAPDEMO_BELADY_RE.finditer(output)}
    if bel.get("fifo", (0, 0, ""))[:2] != (9, 10) or \
            "Belady's anomaly" not in bel["fifo"][2]:
        return "belady fifo: %r, want 9 and 10 faults, the anomaly named" \
            % (bel.get("fifo"),)
    if bel.get("lru", (0, 0, ""))[:2] != (10, 8) or "anomaly" in bel["lru"][2]:
        return "belady lru: %r, want 10 and 8 faults" % (bel.get("lru"),)
    return ""


def swapdemo_job():
    """swapdemo as init on 1 hart: its table has every workload under
    every policy; sequential scans fault on nearly every reference under
    all of them, a loop larger than memory under fifo too; on random
    access with a hot set clock and lru beat fifo; on paper, Belady's
    string shows fifo's anomaly (9 then 10 faults) and lru's 10 then 8."""
    res = qemu_run.run(1, "128M", "init=swapdemo", USERTESTS_TIMEOUT)
    bad = swapdemo_judge(res.output)
    if not bad and res.status != 0:
        bad = "exit status %s; %s" % (res.status, why_run_failed(res))
    return qemu_outcome([Check("swapdemo", not bad, bad,
                               "%.1f s" % res.seconds if not bad else "")],
                        res)


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


# ---- vm_cases: Linux's answers, under qemu-user and on Kite ------------------
#
# tests/extra/vm_cases.c (build/extra/vm_cases) prints "ok NAME" or
# "FAIL NAME: got X want Y (what)" per case, then "vm_cases: N passed, M
# failed", and exits M. Under qemu-riscv64-static, which stands for Linux,
# it runs with --qemu-user: a case marked QEMU_DIFFERS that disagrees
# prints "ok NAME (qemu-user differs, ...)" instead of failing. On Kite
# every case is held to Linux's value.

VM_CASES = os.path.join(qemu_run.BUILD, "extra", "vm_cases")
QEMU_USER = os.environ.get("QEMU_USER", "qemu-riscv64-static")
VM_LINUX_TIMEOUT = 120
VM_KITE_TIMEOUT = 300
VM_LINE_RE = re.compile(r"^(ok|FAIL) (\S+)($|: .*| \(.*)")
VM_SUM_RE = re.compile(r"^vm_cases: (\d+) passed, (\d+) failed$", re.M)


def vm_case_lines(output):
    """[(name, ok, why)] for every case line of vm_cases' output."""
    found = []
    for line in output.splitlines():
        m = VM_LINE_RE.match(line)
        if m:       # "ok NAME", "ok NAME (note)" or "FAIL NAME: why"
            why = m.group(3)[2:]
            if m.group(3).startswith(" (") and why.endswith(")"):
                why = why[:-1]
            found.append((m.group(2), m.group(1) == "ok", why))
    return found


def run_held(cmd, timeout):
    """Run cmd with a standard input pipe held open until it ends (never
    /dev/null); (status, stdout, stderr, timed_out). status is -N after
    a signal N. Its process group is killed when it ends or times out,
    so nothing it forked is left behind."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            cwd=qemu_run.BUILD)
    got = {}

    def drain(key, stream):
        got[key] = stream.read().decode("utf-8", "replace")

    readers = [threading.Thread(target=drain, args=("out", proc.stdout)),
               threading.Thread(target=drain, args=("err", proc.stderr))]
    for t in readers:
        t.start()
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
        for t in readers:
            t.join(timeout=10)
        proc.stdin.close()              # only now that it has ended
    return proc.returncode, got.get("out", ""), got.get("err", ""), timed_out


_linux_lock = threading.Lock()
_linux_run = []


def vm_cases_linux():
    """vm_cases under qemu-riscv64-static, run once and shared by the
    jobs: (status, stdout, why it could not run or "")."""
    with _linux_lock:
        if not _linux_run:
            _linux_run.append(_run_linux())
        return _linux_run[0]


def _run_linux():
    qemu = shutil.which(QEMU_USER)
    if not qemu:
        return None, "", ("%s not found: tools/deps.sh installs it "
                          "(Debian package qemu-user-static)" % QEMU_USER)
    if not os.path.isfile(VM_CASES):
        return None, "", "%s missing (make extra)" % VM_CASES
    status, out, err, timed_out = run_held([qemu, VM_CASES, "--qemu-user"],
                                           VM_LINUX_TIMEOUT)
    if timed_out:
        return None, out, "timed out after %d s" % VM_LINUX_TIMEOUT
    if err.strip():
        out += "".join("stderr: " + l + "\n" for l in err.splitlines())
    return status, out, ""


def vm_cases_linux_job():
    """vm_cases[linux]: the table passes under qemu-riscv64-static, so it
    encodes Linux's behaviour (but for the cases marked QEMU_DIFFERS,
    which it reports and tolerates)."""
    name = "vm_cases[linux]"
    status, out, why = vm_cases_linux()
    lines = out.rstrip("\n").split("\n")[-40:] if out.strip() else None
    if why:
        return Outcome([Check(name, False, why)], lines)
    cases = vm_case_lines(out)
    failed = [c for c in cases if not c[1]]
    summary = VM_SUM_RE.search(out)
    if failed:
        bad = "%d of %d cases fail under qemu-user: %s" % (
            len(failed), len(cases),
            "; ".join("%s: %s" % (n, w) for n, _, w in failed))
    elif not summary or int(summary.group(1)) != len(cases):
        bad = "no summary line for its %d cases" % len(cases)
    elif status != 0:
        bad = "exit status %s" % status
    else:
        differs = sum("qemu-user differs" in w for _, _, w in cases)
        return Outcome([Check(name, True, note="%d cases, %d where qemu-user "
                              "differs from Linux" % (len(cases), differs))])
    return Outcome([Check(name, False, bad)], lines)


def vm_cases_kite_job(cpus):
    """vm_cases[cpus=N]: Kite boots init=vm_cases; a check per case line
    (each failing case with its got/want), and vm_cases[cpus=N] itself:
    every line ok, exit status 0, and the same cases in the same order
    as the qemu-user run."""
    name = "vm_cases[cpus=%d]" % cpus
    res = qemu_run.run(cpus, "128M", 'init="vm_cases"', VM_KITE_TIMEOUT)
    if NOT_EMBEDDED_RE.search(res.output):
        return qemu_outcome([Check(name, False, "vm_cases not embedded "
                                   "(make extra; APPS_EXTRA=build/extra)")], res)
    cases = vm_case_lines(res.output)
    checks = [Check("%s/%s" % (name, n), ok, why) for n, ok, why in cases]
    _, linux_out, linux_why = vm_cases_linux()
    want = [n for n, _, _ in vm_case_lines(linux_out)]
    got = [n for n, _, _ in cases]
    failed = [n for n, ok, _ in cases if not ok]
    summary = VM_SUM_RE.search(res.output)
    problems = []
    if PANIC_RE.search(res.output) or res.timed_out or not summary:
        problems.append(why_run_failed(res) +
                        ("" if summary else "; no vm_cases summary"))
    elif res.status != 0:
        problems.append("exit status %s" % res.status)
    if linux_why or not want:
        problems.append("no qemu-user run to compare with (%s)"
                        % (linux_why or "it printed no cases"))
    elif got != want:
        missing = [n for n in want if n not in got]
        extra = [n for n in got if n not in want]
        problems.append("cases differ from the qemu-user run's: %s" % (
            "missing %s" % ", ".join(missing) if missing else
            "extra %s" % ", ".join(extra) if extra else "another order"))
    if failed:
        problems.append("%d of %d cases fail: %s" % (len(failed), len(cases),
                                                     ", ".join(failed)))
    if problems:
        checks.append(Check(name, False, "; ".join(problems)))
    else:
        checks.append(Check(name, True, note="%d cases as Linux, %.1f s"
                            % (len(cases), res.seconds)))
    return qemu_outcome(checks, res)


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
