#!/usr/bin/python3
"""tests/run.py - run every Kite test and print "N passed, N failed" last.

Usage:  tests/run.py [--quick] [-k SUBSTRING]...   (`make test` builds first)

Prints one line per check, "ok <name>" or "FAIL <name>: <why>"; a failing
QEMU run is followed by the last 40 lines of its (symbolized) console,
indented. The exit status is 0 iff no check failed. The groups of checks:

  host/...          build/host/test_* unit tests, one check per ok/FAIL line
                    (test_fdt gets QEMU DTBs from tests/host/mkdtb.sh)
                    (test_elf gets build/user/hello.elf if it exists)
  docs/references   tools/docs_check.py: the functions the docs name (as
                    `file:function`) exist there, links reach their pages
                    and headings
  ktest/timed[cpus=N]/X  the timed in-kernel tests (CPU shares, sleep
                    lateness: KTEST_TIMED) under -icount on 1 and 4 harts
  ktest[cpus=N]/X   in-kernel tests on 1, 4 and 8 harts, plus ktest[cpus=N]
                    for the summary line and exit status, and
                    ktest[cpus=N]/blk_found_disk: the blk_* tests (the
                    virtio-blk driver) found the swap disk
  boot[cpus=N]      1, 2, 4, 8 harts: boot line, every secondary hart
                    online, the "virtio-blk: N MiB disk" line
  boot/noswap       no disk (SWAP=0): boots, says "virtio-blk: no disk"
  boot/mem256, boot/hz250, ktest_broken, crash/{stack,fault,lock,assert},
  echo (typed keys come back), lint/cppcheck (`make lint`)
  shell/...         sessions typed into the shell: basics (apps, exit
                    status, input, ps), jobs (background, kill, Ctrl-C,
                    history, exit), vm (ps's RSS, SWAP and VSZ, pmap of
                    the shell, mem) and swap (booted with usermem=4M:
                    swaptests workset_3x, then mem's swap line, the swap
                    built-in's counters, switching the policy to fifo,
                    an unknown policy refused)
  usertests[cpus=N]/X   user/apps/usertests.c booted as init on 1 and 4
                    harts, one check per ok/FAIL line, plus /echoargs_output
                    (the lines echoargs printed) and usertests[cpus=N] for
                    the summary line and exit status 0
  static_hello      tests/extra/static_hello.c (no user library) as init:
                    its lines and exit status 42
  vm_cases[linux]   tests/extra/vm_cases.c, what Linux does with mmap,
                    munmap, mprotect, madvise, mremap and brk, run on the
                    host under qemu-riscv64-static (standing for Linux):
                    exit status 0, every case ok (cases marked
                    QEMU_DIFFERS may say "qemu-user differs")
  vm_cases[cpus=N]/X  the same table as Kite's init on 1 and 4 harts, one
                    check per case line, plus vm_cases[cpus=N]: every case
                    ok, exit status 0, the same cases in the same order as
                    the qemu-user run
  harness/...       the harness itself: run_timeout (tools/run.py --timeout 3
                    on the silent, endless spin exits 124 in time),
                    killed_status (a QEMU killed from outside makes
                    tools/run.py exit 128+N: SIGTERM, which QEMU catches
                    and exits 0 on, gives 143, SIGKILL 137) and
                    qemu_run_killed (the same for qemu_run.run: status
                    143, never 0); these two also check that QEMU's
                    stdin is a pipe; symbolize_stream (make qemu's filter,
                    tools/symbolize.py --stream, in any chunking) and
                    console_symbolized (a real panic through it on a
                    terminal names crash_fault and its source line)
  stress/NAME[cpus=N]  user/apps/stress/ as init: ps (the process table
                    while processes fork, exec and exit), kill (every kill
                    lands, whatever the victim does), stall (timed wakeups
                    stay on time while others use big address spaces; one
                    hart under -icount) and sleep (nanosleep's limits); one
                    check each, passing with its "stress NAME: ok" line
  thtests[cpus=N]/X  user/apps/thtests/ as init, like usertests: threads
                    and futexes (docs/THREADS.md); thtests/timing: its
                    timed waits under -icount, within a tick
  demos/X           the lesson demos (abc, stride, yieldsleep, nullw,
                    deepstack) as init on one hart, each judged by what
                    it shows: tests/jobs_demos.py
  threads[cpus=N], prodcons[cpus=N]
                    the thread apps: tests/jobs_threads.py
  sigtests[cpus=N], shell/signals
                    signals and the console's job control:
                    tests/jobs_signals.py
  fdtests[cpus=N]   descriptors, pipes and poll: tests/jobs_files.py
  linux[qemu-user], linux[cpus=N]/lx_NAME, linux/unknown_calls,
  lxtests[cpus=N]/X, failalloc/lxtests[cpus=N,seed=S]
                    the Linux suite (tests/linux/, static glibc programs)
                    on Kite on 1 and 4 harts, compared with
                    qemu-riscv64-static; the Linux calls' error paths
                    (user/apps/lxtests.c), also with allocations failing:
                    tests/jobs_linux.py
  rtests[cpus=N]/X  user/apps/rtests.c as init, like usertests: limits,
                    doomed memory requests, page tables freed, huge
                    sleeps, the console's foreground group
  swaptests[POLICY,cpus=N]/X
                    user/apps/swaptests.c under usermem=4M with the swap
                    disk and each replacement policy (clock, lru, fifo):
                    private and shared (MAP_SHARED) working sets 3x the cap
  swapdemo          the policy comparison table (user/apps/swapdemo.c):
                    every row there, sequential scans and fifo on a loop
                    fault on nearly every reference, clock and lru beat
                    fifo on a hot set, Belady's anomaly on paper for fifo
                    (9 then 10 faults) and not for lru (10 then 8)
  usermem=16M/vmtests[cpus=N]/X
                    vmtests' memory-hungry tests with user pages capped
                    (usermem=16M): the OOM kill comes at the cap
  captests[cpus=N]/X  user/apps/captests/ as init on 1 and 4 harts, like
                    usertests: every capability call's success and error
                    paths, PMOs mapped private and shared, processes built
                    by hand, capspawn (hello's 233, the message exchange),
                    1000 children built and ended with every object and
                    frame back, random calls from 4 processes at once;
                    plus the lines its children print
  vmtests[cpus=N]/X  user/apps/vmtests/ as init, like usertests:
                    copy-on-write fork, demand-zero pages, lazy brk,
                    growing stacks and RLIMIT_STACK, mmap, munmap,
                    mprotect, madvise, mremap, MAP_SHARED across fork,
                    kite_maps, the OOM killer; plus /stack_message,
                    /rlimit_message and /oom_message (the kernel's
                    console line for each kill, when its test passed)
  fuzz[seed=S]      user/apps/fuzz/: 60,000 random calls, mappings
                    and touches by 4 processes that fork as they go;
                    the kernel survives, every frame comes back
  failalloc/...     usertests and the fuzzer with boot argument
                    failalloc=N,SEED (allocations fail at random): no
                    panic or hang, every frame back

Every program started here gets a standard input of its own (a pipe, or
a pseudo-terminal for the console sessions), never /dev/null: on some
machines that is a regular file other programs write into, and a QEMU
reading it would take it for typed input. Every QEMU also gets a swap disk
of its own (tools/qemu_disk.py: a sparse image of SWAP bytes, default
64M, in a temporary directory, deleted afterwards): QEMU locks its image,
so QEMUs running at once must never share one.

`make test` builds the kernel with APPS_EXTRA=build/extra (make extra), so
usertests' bad_elf and static_hello tests and the static_hello and
vm_cases jobs have their files; without them usertests skips those tests
and static_hello and vm_cases fail, saying why. vm_cases[linux] needs
qemu-riscv64-static (tools/deps.sh installs qemu-user-static).

Jobs run two at a time, but ktest, usertests and rtests ones alone, first.
--quick leaves out the 1-hart ktest and usertests runs, the 8-hart boot
and lint; -k keeps only the jobs whose name contains SUBSTRING.
"""
import argparse
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from qemu_run import ROOT, symbolize  # noqa: E402
from checks import (BOOT_RE, BOOT_TIMEOUT, Check, Outcome,  # noqa: E402
                    PANIC_RE, qemu_outcome, why_run_failed)
from jobs_harness import (harness_killed_job,  # noqa: E402
                          harness_qemu_run_killed_job,
                          harness_console_symbolized_job,
                          harness_symbolize_stream_job,
                          harness_run_timeout_job)
from jobs_demos import demos_job  # noqa: E402
from jobs_shell import (P, console_session, procdump_job,  # noqa: E402
                        shell_basics_job, shell_editing_job, shell_jobs_job,
                        shell_fg_reader_job,
                        shell_swap_job, shell_vm_job, swap_mib)
import jobs_signals  # noqa: E402
import jobs_files  # noqa: E402
from jobs_threads import (failalloc_thtests_job, prodcons_job,  # noqa: E402
                          threads_job, timing_job)
import jobs_linux  # noqa: E402
from jobs_user import (FUZZ_SEEDS, ICOUNT, STRESS,  # noqa: E402
                       failalloc_usertests_job,
                       fpcheck_job, fuzz_job, static_hello_job, stress_job,
                       SWAP_POLICIES, swaptests_job, usermem_job,
                       swapdemo_job,
                       usertests_job, vm_cases_kite_job,
                       vm_cases_linux_job)

BUILD = os.path.join(ROOT, "build")
HELLO_ELF = os.path.join(BUILD, "user", "hello.elf")
PROMPT = "kite$ "  # the shell is up
ONLINE_RE = re.compile(r"smp: hart (\d+) online")
KTEST_RE = re.compile(r"^ktest (\S+): (ok|FAIL)\b:? ?(.*)$", re.M)
KTEST_SUM_RE = re.compile(r"^ktest: (\d+) passed, (\d+) failed$", re.M)
HOST_RE = re.compile(r"^(ok|FAIL) (\S+?)(?:: (.*))?$")
KTEST_TIMEOUT, ONLINE_GRACE = 120, 3.0
# eight harts on two host cores: the pid tests alone took 82 s with the
# host's load at 12 (make ktest BOOTARGS=ktest=pid CPUS=8)
KTEST_TIMEOUT_8 = 240


# ---- host unit tests -----------------------------------------------------

def make_dtbs():
    """Run mkdtb.sh; return test_fdt's arguments and a failure (or None)."""
    out = os.path.join("build", "host", "dtb")
    p = subprocess.run(["sh", "tests/host/mkdtb.sh", out], cwd=ROOT,
                       input="", capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return [], Check("host/mkdtb", False, (p.stderr or p.stdout).strip())
    return ["@" + os.path.join(out, "specs.txt")], None


def host_job(binary):
    """Run one unit-test binary; each ok/FAIL line is a check."""
    base = os.path.basename(binary)
    checks, args = [], []
    if base == "test_fdt":
        args, err = make_dtbs()
        checks += [err] if err else []
    elif base == "test_elf" and os.path.exists(HELLO_ELF):
        args = [HELLO_ELF]      # a real executable, once user/ builds one
    try:
        p = subprocess.run([binary] + args, cwd=ROOT, capture_output=True,
                           input="", text=True, errors="replace", timeout=300)
        stdout, out, status = p.stdout, p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        stdout, out, status = "", "", "timeout (300 s)"
    for line in stdout.splitlines():
        m = HOST_RE.match(line)
        if m:
            checks.append(Check("host/" + m.group(2), m.group(1) == "ok",
                                m.group(3) or ""))
    if status != 0 and all(c.ok for c in checks):
        checks.append(Check("host/" + base, False, "exit status %s" % status))
    elif not checks:
        checks.append(Check("host/" + base, False, "printed no results"))
    failed = any(not c.ok for c in checks)
    tail = out.rstrip("\n").split("\n")[-40:] if out.strip() else None
    return Outcome(checks, tail if failed else None)


# ---- QEMU checks -----------------------------------------------------------

def ktest_job(cpus):
    res = qemu_run.run(cpus, "128M", "ktest",
                       KTEST_TIMEOUT_8 if cpus >= 8 else KTEST_TIMEOUT)
    name = "ktest[cpus=%d]" % cpus
    checks = [Check("%s/%s" % (name, m.group(1)), m.group(2) == "ok",
                    m.group(3)) for m in KTEST_RE.finditer(res.output)]
    checks.append(interleave_check(name, res.output, cpus))
    checks.append(disk_used_check(name, res.output))
    summary = KTEST_SUM_RE.search(res.output)
    if res.status == 0 and summary and summary.group(2) == "0":
        checks.append(Check(name, True, note="%s passed, %.1f s"
                            % (summary.group(1), res.seconds)))
    elif PANIC_RE.search(res.output) or res.timed_out or not summary:
        checks.append(Check(name, False, why_run_failed(res) +
                            ("" if summary else "; no ktest summary")))
    else:
        checks.append(Check(name, False, "%s; exit status %s"
                            % (summary.group(0), res.status)))
    return qemu_outcome(checks, res)


def ktest_timed_job(cpus):
    """The timed in-kernel tests (KTEST_TIMED: shares of CPU time, sleep
    lateness) under -icount, where guest time follows the instructions
    run and the host's load cannot bend it."""
    res = qemu_run.run(cpus, "128M", "ktest ktest_timed", KTEST_TIMEOUT,
                       qemu_extra=ICOUNT)
    name = "ktest/timed[cpus=%d]" % cpus
    checks = [Check("%s/%s" % (name, m.group(1)), m.group(2) == "ok",
                    m.group(3)) for m in KTEST_RE.finditer(res.output)]
    summary = KTEST_SUM_RE.search(res.output)
    ok = res.status == 0 and summary and summary.group(2) == "0" and \
        int(summary.group(1)) > 0
    checks.append(Check(name, bool(ok), "" if ok else
                        (summary.group(0) + "; exit status %s" % res.status
                         if summary else why_run_failed(res) +
                         "; no ktest summary"),
                        "%s passed, %.1f s" % (summary.group(1), res.seconds)
                        if ok else ""))
    return qemu_outcome(checks, res)


def disk_used_check(name, output):
    """With a disk attached (SWAP not 0) the blk_* ktests found it and
    did not skip themselves."""
    skipped = "blk: no disk" in output
    ok = swap_mib() == 0 or not skipped
    return Check(name + "/blk_found_disk", ok,
                 "" if ok else "a %d MiB disk was attached, the blk tests "
                 "found none" % swap_mib())


INTERLEAVE_RE = re.compile(
    r"^interleave: hart (\d+) line (\d\d) 0123456789abcdefghijklmnopqrstuvwxyz$")
INTERLEAVE_LINES = 20  # kernel/test/test_console.c


def interleave_check(name, output, cpus):
    """Every line the console_no_interleave ktest printed arrived whole:
    INTERLEAVE_LINES per hart, each matching exactly."""
    lines = [l for l in output.splitlines() if l.startswith("interleave:")]
    whole = [l for l in lines if INTERLEAVE_RE.match(l)]
    harts = {INTERLEAVE_RE.match(l).group(1) for l in whole}
    ok = (len(lines) == len(whole) == INTERLEAVE_LINES * cpus
          and len(harts) == cpus)
    return Check(name + "/console_lines_whole", ok,
                 "" if ok else "%d of %d lines whole, %d harts"
                 % (len(whole), len(lines), len(harts)))


def booted_until(want_online):
    """stop_when for boot runs: the boot line and "No shell yet" are out
    and either want_online secondaries are online or a grace time passed."""
    seen = {}

    def done(text):
        if not (BOOT_RE.search(text) and PROMPT in text):
            return False
        seen.setdefault("at", time.monotonic())
        online = set(ONLINE_RE.findall(text))
        return (len(online) >= want_online or
                time.monotonic() - seen["at"] > ONLINE_GRACE)
    return done


def boot(cpus, mem, bootargs):
    """Boot and stop once booted; log=info runs wait for online lines."""
    want = cpus - 1 if "log=info" in bootargs else 0
    return qemu_run.run(cpus, mem, bootargs, BOOT_TIMEOUT,
                        stop_when=booted_until(want))


def check_boot_line(name, res, cpus, mib):
    """The common part of boot checks: a Check if it fails, else None."""
    m = BOOT_RE.search(res.output)
    if not m:
        return Check(name, False, "no boot line; " + why_run_failed(res))
    if (int(m.group(1)), int(m.group(2))) != (cpus, mib):
        return Check(name, False, "boot line %r, expected %d harts, %d MiB"
                     % (m.group(0), cpus, mib))
    if PROMPT not in res.output:
        return Check(name, False, "no %r line; %s" % (PROMPT,
                                                      why_run_failed(res)))
    return None


def boot_smp_job(cpus):
    name = "boot[cpus=%d]" % cpus
    res = boot(cpus, "128M", "log=info")
    bad = check_boot_line(name, res, cpus, 128)
    if bad:
        return qemu_outcome([bad], res)
    online = [int(h) for h in ONLINE_RE.findall(res.output)]
    missing = sorted(set(range(cpus)) - set(online))
    if len(online) != len(set(online)) or not set(online) <= set(range(cpus)):
        bad = "odd online lines for harts %s" % online
    elif len(missing) != 1:
        bad = "harts %s never said online" % missing[1:] if missing else \
            "every hart said online: no boot hart"
    elif not re.search(r"smp: %d harts online" % cpus, res.output):
        bad = "no 'smp: %d harts online' line" % cpus
    mib = swap_mib()
    if mib and not re.search(r"virtio-blk: %d MiB disk, irq \d+" % mib,
                             res.output):
        bad = "no 'virtio-blk: %d MiB disk' line" % mib
    if bad:
        return qemu_outcome([Check(name, False, bad)], res)
    t = res.first_time(lambda l: BOOT_RE.match(l) is not None)
    note = "boot line after %.2f s, boot hart %d" % (t, missing[0])
    return qemu_outcome([Check(name, True, note=note)], res)


def boot_mem_job():
    res = boot(2, "256M", "")
    bad = check_boot_line("boot/mem256", res, 2, 256)
    return qemu_outcome([bad or Check("boot/mem256", True)], res)


def boot_noswap_job():
    """No disk attached (SWAP=0): Kite boots to the shell and says there
    is no disk."""
    res = qemu_run.run(2, "128M", "log=info", BOOT_TIMEOUT, swap=0,
                       stop_when=booted_until(1))
    bad = check_boot_line("boot/noswap", res, 2, 128)
    if not bad and "virtio-blk: no disk" not in res.output:
        bad = Check("boot/noswap", False, "no 'virtio-blk: no disk' line")
    return qemu_outcome([bad or Check("boot/noswap", True)], res)


def boot_hz_job():
    res = boot(2, "128M", "log=info hz=250")
    bad = check_boot_line("boot/hz250", res, 2, 128)
    rate = re.search(r"(\d+) ticks/s", res.output)
    if not bad and rate and rate.group(1) != "250":
        bad = Check("boot/hz250", False, "clock runs at %s ticks/s"
                    % rate.group(1))
    return qemu_outcome([bad or Check("boot/hz250", True)], res)


def ktest_broken_job():
    res = qemu_run.run(2, "128M", "ktest ktest_broken", KTEST_TIMEOUT)
    if res.status in (0, None):
        bad = "run ended with %s" % ("timeout" if res.timed_out else "status 0")
    elif not re.search(r"^ktest broken_selftest: FAIL", res.output, re.M):
        bad = "no 'ktest broken_selftest: FAIL' line"
    else:
        bad = ""
    return qemu_outcome([Check("ktest_broken", not bad, bad)], res)


CRASHES = {"stack": ("kernel stack overflow", "crash_recurse"),
           "fault": ("kernel store page fault", "crash_fault"),
           "lock": ("recursive acquire", None),
           "assert": ("assertion failed", None)}


def crash_job(kind):
    message, func = CRASHES[kind]
    res = qemu_run.run(2, "128M", "crash=" + kind, BOOT_TIMEOUT)
    text = symbolize.symbolize_text(res.output)
    frames = [l for l in text.split("\n") if re.search(r"#\d+ 0x", l)]
    panic = PANIC_RE.search(text)
    if res.status != 3:
        bad = "expected exit status 3; " + why_run_failed(res)
    elif not panic or message not in panic.group(0):
        bad = "no panic line with %r" % message
    elif func and not any(func in l for l in frames):
        bad = "backtrace does not name %s" % func
    else:
        bad = ""
    return qemu_outcome([Check("crash/" + kind, not bad, bad)], res)


def lint_job():
    p = subprocess.run(["make", "--no-print-directory", "lint"], cwd=ROOT,
                       input="", capture_output=True, text=True, timeout=600)
    out = (p.stdout + p.stderr).rstrip("\n").split("\n")[-40:]
    ok = p.returncode == 0
    return Outcome([Check("lint/cppcheck", ok, "" if ok else
                          "make lint exit status %d" % p.returncode)],
                   None if ok else out)


def docs_job():
    """tools/docs_check.py: every `file:function` the docs name has that
    definition, every link between pages reaches its page and heading."""
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools",
                                                     "docs_check.py")],
                       cwd=ROOT, input="", capture_output=True, text=True,
                       timeout=120)
    out = (p.stdout + p.stderr).rstrip("\n").split("\n")
    ok = p.returncode == 0
    return Outcome([Check("docs/references", ok, "" if ok else out[-1])],
                   None if ok else out[-40:])


# ---- driver ----------------------------------------------------------------

HOST_TESTS = ("printf", "fdt", "fdt_virtio", "buddy", "kmalloc", "heap", "pid", "elf",
              "virtq", "swap_slots", "cap_slots", "sigset",
              "chacha", "iovec")  # as in the Makefile


def jobs(quick):
    """(name, function, args) for every job, slowest first."""
    js = [("ktest[cpus=4]", ktest_job, (4,))]
    js += [] if quick else [("ktest[cpus=1]", ktest_job, (1,)),
                            ("ktest[cpus=8]", ktest_job, (8,))]
    js += [("ktest/timed[cpus=%d]" % n, ktest_timed_job, (n,)) for n in (1, 4)]
    js += [] if quick else [("lint/cppcheck", lint_job, ())]
    js.append(("docs/references", docs_job, ()))
    js += [("stress/" + k, stress_job, (k,)) for k in STRESS]
    js += [("usertests[cpus=%d]" % n, usertests_job, (n,))
           for n in ((4,) if quick else (1, 4))]
    js += [("rtests[cpus=%d]" % n, usertests_job, (n, "rtests"))
           for n in ((4,) if quick else (1, 4))]
    js += [("thtests[cpus=%d]" % n, usertests_job, (n, "thtests"))
           for n in ((4,) if quick else (1, 4))]
    js += [("proctests[cpus=%d]" % n, usertests_job, (n, "proctests"))
           for n in (1, 4)]
    js.append(("thtests/timing", timing_job, ()))
    js += [("threads[cpus=%d]" % n, threads_job, (n,)) for n in (1, 4)]
    js += [("prodcons[cpus=%d]" % n, prodcons_job, (n,)) for n in (1, 4)]
    js += jobs_linux.jobs()
    js += [("vmtests[cpus=%d]" % n, usertests_job, (n, "vmtests"))
           for n in ((4,) if quick else (1, 4))]
    js += [("captests[cpus=%d]" % n, usertests_job, (n, "captests"))
           for n in (1, 4)]
    js += [("usermem/vmtests[cpus=%d]" % n, usermem_job, (n,))
           for n in ((4,) if quick else (1, 4))]
    js += [("swaptests[%s,cpus=%d]" % (p, n), swaptests_job, (p, n))
           for p in SWAP_POLICIES for n in ((4,) if quick else (1, 4))]
    js.append(("swapdemo", swapdemo_job, ()))
    js.append(("demos", demos_job, ()))
    js += __import__("jobs_trace").trace_jobs()  # the event trace
    for t in HOST_TESTS:  # a missing binary is a failed check, not a skip
        b = os.path.join(BUILD, "host", "test_" + t)
        js.append(("host/test_" + t, host_job, (b,)))
    for n in (1, 2, 4) if quick else (1, 2, 4, 8):
        js.append(("boot[cpus=%d]" % n, boot_smp_job, (n,)))
    js += [("boot/mem256", boot_mem_job, ()), ("boot/hz250", boot_hz_job, ()),
           ("boot/noswap", boot_noswap_job, ()),
           ("ktest_broken", ktest_broken_job, ())]
    js += [("crash/" + k, crash_job, (k,)) for k in CRASHES]
    js.append(("shell/basics", shell_basics_job, ()))
    js.append(("shell/jobs", shell_jobs_job, ()))
    js.append(("shell/editing", shell_editing_job, ()))
    js.append(("shell/fg_reader", shell_fg_reader_job, ()))
    js.append(("shell/vm", shell_vm_job, ()))
    js.append(("shell/swap", shell_swap_job, ()))
    js.append(("procdump", procdump_job, ()))
    js += jobs_signals.jobs(console_session, P)
    js += jobs_files.jobs()
    js += [("fuzz[seed=%d]" % s, fuzz_job, (s,)) for s in FUZZ_SEEDS]
    js += [("failalloc/usertests[cpus=%d]" % n, failalloc_usertests_job,
            (n, 10 + n)) for n in (1, 4)]
    js += [("failalloc/fuzz[cpus=%d]" % n, fuzz_job, (20 + n, n, 50))
           for n in (1, 4)]
    js += [("failalloc/thtests[cpus=%d]" % n, failalloc_thtests_job,
            (n, 30 + n)) for n in (1, 4)]
    js += [("fpcheck[cpus=%d]" % n, fpcheck_job, (n,)) for n in (1, 4)]
    js.append(("static_hello", static_hello_job, ()))
    js.append(("vm_cases[linux]", vm_cases_linux_job, ()))
    js += [("vm_cases[cpus=%d]" % n, vm_cases_kite_job, (n,)) for n in (1, 4)]
    js += [("harness/run_timeout", harness_run_timeout_job, ()),
           ("harness/killed_status", harness_killed_job, ()),
           ("harness/qemu_run_killed", harness_qemu_run_killed_job, ()),
           ("harness/symbolize_stream", harness_symbolize_stream_job, ()),
           ("harness/console_symbolized", harness_console_symbolized_job, ())]
    return js


def guarded(name, fn, args):
    """Run a job; a Python error in the harness is a failed check."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - report, do not crash the run
        return Outcome([Check(name, False, "harness error: %r" % e)])


def report(outcome):
    """Print an outcome's checks; return (passed, failed)."""
    for c in outcome.checks:
        if c.ok:
            print("ok %s%s" % (c.name, " (%s)" % c.note if c.note else ""))
        else:
            print("FAIL %s: %s" % (c.name, c.why or "failed"))
    if outcome.tail and any(not c.ok for c in outcome.checks):
        for line in outcome.tail:
            print("    " + line)
    sys.stdout.flush()
    failed = sum(not c.ok for c in outcome.checks)
    return len(outcome.checks) - failed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="skip 1-hart ktest and usertests, 8-hart boot, lint")
    ap.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                    help="only jobs whose name contains SUBSTRING")
    args = ap.parse_args()
    selected = [j for j in jobs(args.quick)
                if not args.k or any(k in j[0] for k in args.k)]
    if not os.path.isfile(qemu_run.KERNEL):
        print("FAIL build: %s missing (run make all host-test)"
              % qemu_run.KERNEL)
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    start = time.monotonic()
    # The in-kernel tests measure fairness and sleep accuracy in guest
    # time, which is host time: run them one at a time, alone, so another
    # QEMU does not steal their harts' host CPU. The rest go two at once.
    # usertests runs stride on 1 hart; rtests times doomed brks; thtests
    # wants futex timeouts within a tick
    solo = ("ktest[", "usertests[", "rtests[", "thtests[")
    alone = [j for j in selected if j[0].startswith(solo)]
    shared = [j for j in selected if not j[0].startswith(solo)]
    for j in alone:
        p, n = report(guarded(*j))
        passed, failed = passed + p, failed + n
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(guarded, *j) for j in shared]
        for f in futures:
            p, n = report(f.result())
            passed, failed = passed + p, failed + n
    print("(%d jobs in %.0f s)" % (len(selected), time.monotonic() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
