#!/usr/bin/python3
"""tests/run.py - run every Kite test and print "N passed, N failed" last.

Usage:  tests/run.py [--quick] [-k SUBSTRING]...   (`make test` builds first)

Prints one line per check, "ok <name>" or "FAIL <name>: <why>"; a failing
QEMU run is followed by the last 40 lines of its (symbolized) console,
indented. The exit status is 0 iff no check failed. The groups of checks:

  host/...          build/host/test_* unit tests, one check per ok/FAIL line
                    (test_fdt gets QEMU DTBs from tests/host/mkdtb.sh)
                    (test_elf gets build/user/hello.elf if it exists)
  ktest[cpus=N]/X   in-kernel tests on 1, 4 and 8 harts, plus ktest[cpus=N]
                    for the summary line and exit status
  boot[cpus=N]      1, 2, 4, 8 harts: boot line, every secondary hart online
  boot/mem256, boot/hz250, ktest_broken, crash/{stack,fault,lock,assert},
  echo (typed keys come back), lint/cppcheck (`make lint`)
  usertests[cpus=N]/X   user/apps/usertests.c booted as init on 1 and 4
                    harts, one check per ok/FAIL line, plus /echoargs_output
                    (the lines echoargs printed) and usertests[cpus=N] for
                    the summary line and exit status 0
  static_hello      tests/extra/static_hello.c (no user library) as init:
                    its lines and exit status 42
  harness/...       the harness itself: run_timeout (tools/run.py --timeout 3
                    on the silent, endless spin exits 124 in time),
                    killed_status (a QEMU killed from outside makes
                    tools/run.py exit 128+N: SIGTERM, which QEMU catches
                    and exits 0 on, gives 143, SIGKILL 137) and
                    qemu_run_killed (the same for qemu_run.run: status
                    143, never 0); these two also check that QEMU's
                    stdin is a pipe
  stress/NAME[cpus=N]  user/apps/stress/ as init: ps (the process table
                    while processes fork, exec and exit), kill (every kill
                    lands, whatever the victim does), stall (timed wakeups
                    stay on time while others use big address spaces; one
                    hart under -icount) and sleep (nanosleep's limits); one
                    check each, passing with its "stress NAME: ok" line
  rtests[cpus=N]/X  user/apps/rtests.c as init, like usertests: limits,
                    doomed memory requests, page tables freed, huge
                    sleeps, the console's foreground group
  fuzz[seed=S]      user/apps/fuzz.c: 60,000 random calls by 4 processes
                    that fork as they go; the kernel survives, every
                    frame comes back
  failalloc/...     usertests and the fuzzer with boot argument
                    failalloc=N,SEED (allocations fail at random): no
                    panic or hang, every frame back

Every program started here gets a standard input of its own (a pipe, or
a pseudo-terminal for the console sessions), never /dev/null: on some
machines that is a regular file other programs write into, and a QEMU
reading it would take it for typed input.

`make test` builds the kernel with APPS_EXTRA=build/extra (make extra), so
usertests' bad_elf and static_hello tests and the static_hello job have
their files; without them usertests skips those tests and static_hello
fails, saying why.

Jobs run two at a time, but ktest, usertests and rtests ones alone, first.
--quick leaves out the 1-hart ktest and usertests runs, the 8-hart boot
and lint; -k keeps only the jobs whose name contains SUBSTRING.
"""
import argparse
import io
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from qemu_run import ROOT, symbolize  # noqa: E402

BUILD = os.path.join(ROOT, "build")
HELLO_ELF = os.path.join(BUILD, "user", "hello.elf")
BOOT_RE = re.compile(r"^Kite \S+: (\d+) harts, (\d+) MiB$", re.M)
PROMPT = "kite$ "  # the shell is up
ONLINE_RE = re.compile(r"smp: hart (\d+) online")
PANIC_RE = re.compile(r"^panic: .*$", re.M)
KTEST_RE = re.compile(r"^ktest (\S+): (ok|FAIL)\b:? ?(.*)$", re.M)
KTEST_SUM_RE = re.compile(r"^ktest: (\d+) passed, (\d+) failed$", re.M)
HOST_RE = re.compile(r"^(ok|FAIL) (\S+?)(?:: (.*))?$")
BOOT_TIMEOUT, KTEST_TIMEOUT, ONLINE_GRACE = 60, 120, 3.0


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
    res = qemu_run.run(cpus, "128M", "ktest", KTEST_TIMEOUT)
    name = "ktest[cpus=%d]" % cpus
    checks = [Check("%s/%s" % (name, m.group(1)), m.group(2) == "ok",
                    m.group(3)) for m in KTEST_RE.finditer(res.output)]
    checks.append(interleave_check(name, res.output, cpus))
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


def qemu_outcome(checks, res):
    failed = any(not c.ok for c in checks)
    return Outcome(checks, tail_of(res.output) if failed else None)


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
    if bad:
        return qemu_outcome([Check(name, False, bad)], res)
    t = res.first_time(lambda l: BOOT_RE.match(l) is not None)
    note = "boot line after %.2f s, boot hart %d" % (t, missing[0])
    return qemu_outcome([Check(name, True, note=note)], res)


def boot_mem_job():
    res = boot(2, "256M", "")
    bad = check_boot_line("boot/mem256", res, 2, 256)
    return qemu_outcome([bad or Check("boot/mem256", True)], res)


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


def console_session(name, cpus, steps):
    """Boot, wait for the monitor, then for each (send, [expected regexes])
    send the text and expect each pattern in turn. One check, `name`."""
    import pexpect
    cmd = qemu_run.qemu_cmd(cpus, "128M", "")
    log = io.StringIO()
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=ROOT, echo=False,
                          encoding="utf-8", codec_errors="replace")
    child.logfile_read = log
    bad, waiting = "", PROMPT
    try:
        child.expect_exact(PROMPT, timeout=BOOT_TIMEOUT)
        for send, patterns in steps:
            child.send(send)
            for waiting in patterns:
                child.expect(waiting, timeout=10)
    except pexpect.TIMEOUT:
        bad = "timed out waiting for %r" % waiting
    except pexpect.EOF:
        bad = "QEMU exited (status %s)" % child.exitstatus
    finally:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except OSError:
            pass
        child.close(force=True)
    out = log.getvalue().replace("\r", "")
    return Outcome([Check(name, not bad, bad)], tail_of(out) if bad else None)


P = r"kite\$ "  # the prompt, as a pattern


def shell_basics_job():
    """lsapp, an app with its exit status, fact on stdin, ps columns."""
    return console_session("shell/basics", 2, [
        ("lsapp\r", [r"fact.*forktree.*hello.*sh.*spin.*stride", P]),
        ("hello\r", [r"Hello, Kite!", P]),
        ("echo $?\r", [r"\n233\r*\n", P]),
        ("fact\r", []),
        ("999999\r", [r"128233642", P]),
        ("ps\r", [r"PID\s+PPID\s+STATE\s+NAME\s+CLASS\s+PRIO\s+PASS\s+TICKS"
                   r"\s+CODE\s+DATA\s+HEAP\s+STACK",
                   r"\n\s+1\s+0 sleep\s+init\s+kernel",
                   r"\n\s+2\s+1 running sh\s+rr\s+16\s+\d+\s+\d+\s+[1-9]", P])])


def shell_jobs_job():
    """A background spin killed by pid, Ctrl-C on a foreground spin,
    history recall with the Up key, and exit powering off."""
    return console_session("shell/jobs", 2, [
        ("spin &\r", [r"\[(\d+)\]", P]),
        ("ps\r", [r"\n\s+\d+\s+2 (running|ready)\s+spin", P]),
        ("kill 3\r", [P]),
        ("\r", [r"\[done\] 3: killed by signal 15", P]),
        ("spin\r", []),
        ("\x03", [r"\^C", r"killed by signal 2", P]),
        ("echo history works\r", [r"\nhistory works", P]),
        ("\x1b[A\r", [r"\nhistory works", P]),
        ("exit\r", [pexpect_eof()])])


FUZZ_CALLS, FUZZ_PROCS, FUZZ_SEEDS = 60000, 4, (1, 2, 3, 4)


def fuzz_job(seed, cpus=4, failalloc=None):
    """Random system calls from FUZZ_PROCS processes at once, forking and
    exiting as they go: the kernel survives and every frame comes back
    (user/apps/fuzz.c). failalloc: also fail 1 in N allocations."""
    name = "fuzz[seed=%d]" % seed
    args = 'init="fuzz %d %d %d"' % (FUZZ_CALLS, seed, FUZZ_PROCS)
    if failalloc:
        name = "failalloc/fuzz[cpus=%d,seed=%d]" % (cpus, seed)
        args += " failalloc=%d,%d" % (failalloc, seed)
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


def procdump_job():
    """Ctrl-P prints the kernel's process table, and the shell goes on."""
    return console_session("procdump", 2, [
        ("\x10", [r"PID\s+PPID\s+NAME\s+STATE",
                  r"\n\s+1\s+0 init\s+sleeping",
                  r"\n\s+2\s+1 sh\s+(running|sleeping)",
                  r"idle/0", r"idle/1"]),
        ("hello\r", [r"Hello, Kite!", P])])


def pexpect_eof():
    import pexpect
    return pexpect.EOF


def lint_job():
    p = subprocess.run(["make", "--no-print-directory", "lint"], cwd=ROOT,
                       input="", capture_output=True, text=True, timeout=600)
    out = (p.stdout + p.stderr).rstrip("\n").split("\n")[-40:]
    ok = p.returncode == 0
    return Outcome([Check("lint/cppcheck", ok, "" if ok else
                          "make lint exit status %d" % p.returncode)],
                   None if ok else out)


# ---- user programs as init ---------------------------------------------------

USERTESTS_TIMEOUT = 300
USERTESTS_RE = re.compile(r"^(ok|FAIL) (\S+)(?: \((.*)\))?(?:: (.*))?$", re.M)
USERTESTS_SUM_RE = re.compile(r"^(?:usertests|rtests): (\d+) passed, (\d+) failed$",
                              re.M)
NOT_EMBEDDED_RE = re.compile(r"init: cannot start '[^']*': error -2$", re.M)
# what usertests' exec_args test makes echoargs print (user/apps/echoargs.c)
ECHOARGS_LINES = ["echoargs: argc=3", "argv[0]=echoargs", "argv[1]=one",
                  "argv[2]=two words", "envp[0]=KITE=1", "envp[1]=EMPTY=",
                  "echoargs: argc=4", "argv[1]=spawned", "argv[3]="]


def usertests_job(cpus, prog="usertests"):
    """Boot init="PROG --harts=N" (usertests or rtests); each ok/FAIL line
    is a check."""
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


# ---- the harness itself -------------------------------------------------------

RUN_PY = os.path.join(ROOT, "tools", "run.py")
HARNESS_LIMIT = 20  # seconds any harness check may take


def child_pids(parent):
    """Pids of the processes whose parent is `parent` (from /proc)."""
    kids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()   # state, ppid, ...
        if len(fields) > 1 and fields[1] == str(parent):
            kids.append(int(name))
    return kids


def catches(pid, sig):
    """True if process pid has a handler installed for signal sig."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    except (OSError, ValueError):
        pass
    return False


def stdin_of(pid):
    """What process pid's standard input is, e.g. "pipe:[1234]"."""
    try:
        return os.readlink("/proc/%d/fd/0" % pid)
    except OSError as e:
        return "unknown (%s)" % e.strerror


def wait_for_qemu(match, limit=10):
    """The pid of the first process for which match(pid) is true, once it
    has set up its SIGTERM handler (QEMU's own: QEMU is running); None if
    none within limit seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for pid in match():
            if catches(pid, signal.SIGTERM):
                return pid
        time.sleep(0.05)
    return None


def gone(pid):
    """True if process pid no longer runs (or is only a zombie)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except OSError:
        return True


def start_run_py(args):
    """tools/run.py ARGS in a session of its own, with a private stdin."""
    return subprocess.Popen([sys.executable, RUN_PY] + args, cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def end_run_py(proc, limit):
    """Wait up to limit s for run.py; returns (status, stderr text), status
    None if it had to be killed (with any QEMU it left). Its stdin stays
    open until it has ended; it prints little, so waiting before reading
    its pipes is safe."""
    try:
        status = proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        for pid in child_pids(proc.pid) + [proc.pid]:  # QEMU: own session
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        proc.wait()
        status = None
    proc.stdin.close()
    proc.stdout.read()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stdout.close()
    proc.stderr.close()
    return status, err


def harness_run_timeout_job():
    """tools/run.py --timeout 3 spin: spin prints nothing and never ends
    (user/apps/spin.c), yet run.py gives up after 3 s, says so on stderr,
    exits 124 and leaves no QEMU behind."""
    name = "harness/run_timeout"
    start = time.monotonic()
    proc = start_run_py(["--timeout", "3", "spin"])
    qemu = wait_for_qemu(lambda: child_pids(proc.pid))
    status, err = end_run_py(proc, HARNESS_LIMIT)
    took = time.monotonic() - start
    if status is None:
        bad = "still running after %d s" % HARNESS_LIMIT
    elif status != 124:
        bad = "exit status %s, expected 124" % status
    elif "run: timed out after 3 s" not in err:
        bad = "no 'run: timed out after 3 s' on stderr: %r" % err[-200:]
    elif took < 3:
        bad = "ended after %.1f s, before its timeout" % took
    elif qemu is not None and not gone(qemu):
        bad = "its QEMU (pid %d) still runs" % qemu
    else:
        bad = ""
    return Outcome([Check(name, not bad, bad, "%.1f s" % took)])


def harness_killed_job():
    """A QEMU killed from outside makes tools/run.py fail with 128+N, for
    SIGTERM (QEMU catches it and exits 0: 143 all the same) and SIGKILL
    (137). Also checks QEMU's stdin is a pipe."""
    name = "harness/killed_status"
    bad = []
    for sig in (signal.SIGTERM, signal.SIGKILL):
        proc = start_run_py(["--timeout", str(HARNESS_LIMIT), "spin"])
        qemu = wait_for_qemu(lambda: child_pids(proc.pid))
        if qemu is None:
            bad.append("%s: no QEMU started" % sig.name)
        else:
            fd0 = stdin_of(qemu)
            if not fd0.startswith("pipe:"):
                bad.append("QEMU's stdin is %s, not a pipe" % fd0)
            os.kill(qemu, sig)
        status, err = end_run_py(proc, HARNESS_LIMIT)
        if qemu is not None and status != 128 + sig:
            bad.append("%s: exit status %s, expected %d" % (sig.name, status,
                                                            128 + sig))
    return Outcome([Check(name, not bad, "; ".join(bad))])


def harness_qemu_run_killed_job():
    """qemu_run.run() on a QEMU that gets SIGTERM from outside once Kite
    has booted: QEMU exits 0, run() must report status 143, not 0."""
    name = "harness/qemu_run_killed"
    mark = "harness_mark=%d.%d" % (os.getpid(), time.monotonic_ns())
    ours = []   # the pid of our QEMU and its stdin, once found

    def ours_now():
        for pid in child_pids(os.getpid()):
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    if mark.encode() in f.read():
                        return [pid]
            except OSError:
                pass
        return []

    def on_line(line):
        if not ours and BOOT_RE.match(line):
            pid = wait_for_qemu(ours_now, limit=5)
            if pid is not None:
                ours.append((pid, stdin_of(pid)))
                os.kill(pid, signal.SIGTERM)

    res = qemu_run.run(1, "128M", 'init="spin" ' + mark, HARNESS_LIMIT,
                       on_line=on_line)
    if not ours:
        bad = "never found its QEMU to kill; " + why_run_failed(res)
    elif not ours[0][1].startswith("pipe:"):
        bad = "QEMU's stdin is %s, not a pipe" % ours[0][1]
    elif res.status != 128 + signal.SIGTERM:
        bad = "status %s after SIGTERM, expected 143" % res.status
    else:
        bad = ""
    return qemu_outcome([Check(name, not bad, bad)], res)


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


# ---- driver ----------------------------------------------------------------

HOST_TESTS = ("printf", "fdt", "buddy", "kmalloc", "heap", "pid", "elf")  # as in the Makefile


def jobs(quick):
    """(name, function, args) for every job, slowest first."""
    js = [("ktest[cpus=4]", ktest_job, (4,))]
    js += [] if quick else [("ktest[cpus=1]", ktest_job, (1,)),
                            ("ktest[cpus=8]", ktest_job, (8,))]
    js += [] if quick else [("lint/cppcheck", lint_job, ())]
    js += [("stress/" + k, stress_job, (k,)) for k in STRESS]
    js += [("usertests[cpus=%d]" % n, usertests_job, (n,))
           for n in ((4,) if quick else (1, 4))]
    js += [("rtests[cpus=%d]" % n, usertests_job, (n, "rtests"))
           for n in ((4,) if quick else (1, 4))]
    for t in HOST_TESTS:  # a missing binary is a failed check, not a skip
        b = os.path.join(BUILD, "host", "test_" + t)
        js.append(("host/test_" + t, host_job, (b,)))
    for n in (1, 2, 4) if quick else (1, 2, 4, 8):
        js.append(("boot[cpus=%d]" % n, boot_smp_job, (n,)))
    js += [("boot/mem256", boot_mem_job, ()), ("boot/hz250", boot_hz_job, ()),
           ("ktest_broken", ktest_broken_job, ())]
    js += [("crash/" + k, crash_job, (k,)) for k in CRASHES]
    js.append(("shell/basics", shell_basics_job, ()))
    js.append(("shell/jobs", shell_jobs_job, ()))
    js.append(("procdump", procdump_job, ()))
    js += [("fuzz[seed=%d]" % s, fuzz_job, (s,)) for s in FUZZ_SEEDS]
    js += [("failalloc/usertests[cpus=%d]" % n, failalloc_usertests_job,
            (n, 10 + n)) for n in (1, 4)]
    js += [("failalloc/fuzz[cpus=%d]" % n, fuzz_job, (20 + n, n, 50))
           for n in (1, 4)]
    js += [("fpcheck[cpus=%d]" % n, fpcheck_job, (n,)) for n in (1, 4)]
    js.append(("static_hello", static_hello_job, ()))
    js += [("harness/run_timeout", harness_run_timeout_job, ()),
           ("harness/killed_status", harness_killed_job, ()),
           ("harness/qemu_run_killed", harness_qemu_run_killed_job, ())]
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
    # usertests runs stride on 1 hart; rtests times doomed brks
    solo = ("ktest[", "usertests[", "rtests[")
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
