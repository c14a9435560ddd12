#!/usr/bin/python3
"""tests/jobs_linux.py - tests/run.py's jobs for the Linux suite: the
static glibc programs of tests/linux/ (tests/linux/README.md), run on
Kite and under qemu-riscv64-static on the host (which stands for Linux),
compared.

  linux[qemu-user]      every program under qemu-riscv64-static with its
                        standard streams on a pseudo-terminal (80x24, its
                        controlling terminal), in build/linux-host/ where
                        each lx_NAME is a link to the wrapper
                        tests/linux/host/lxwrap.c (so programs that exec
                        lx_NAME work without binfmt_misc); a check that
                        each ran to an end (no timeout)
  linux[cpus=N]/lx_NAME on Kite booted on N = 1 and 4 harts with
                        init="lxrun" (user/apps/lxrun.c), which runs the
                        programs one after another as the harness types
                        them in: the text the program wrote (stdout and
                        stderr together, carriage returns dropped) and
                        its exit status (or the signal that ended it)
                        must be the host's; a difference is shown as a
                        short diff
  linux[cpus=N]         lxrun ran every program and exited 0
  lxtests[cpus=N]/X     user/apps/lxtests.c as init on 1 and 4 harts,
                        like usertests: the error paths of the Linux
                        calls (bad pointers, descriptors, sizes, flags),
                        CPU clocks of other processes, execve's argument
                        limits from every hart; every frame back
  failalloc/lxtests[cpus=N,seed=S]
                        lxtests with allocations failing at random: no
                        panic or hang, a summary, every frame back
  linux/unknown_calls   booted with log=debug: lx_files' calls that no
                        kernel has (244 twice, 1000) are named once each
                        ("pid N (lx_files): unknown system call 244 (not
                        a Linux call)") and the program goes on

Both sides get the same argv (argv[0] = lx_NAME, then the program's
"lx-args:" line) and the same environment (ENV), and run in a directory
holding nothing but the programs. Without the cross compiler every job
fails, naming `make deps`.
"""
import difflib
import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from checks import Check, Outcome, qemu_outcome, why_run_failed  # noqa: E402
from checks import PANIC_RE  # noqa: E402
from jobs_user import (FAILALLOC_N, USERTESTS_SUM_RE,  # noqa: E402
                       USERTESTS_TIMEOUT, usertests_job)

LINUX_SRC = os.path.join(qemu_run.ROOT, "tests", "linux")
BIN_DIR = os.path.join(qemu_run.BUILD, "extra")
HOST_DIR = os.path.join(qemu_run.BUILD, "linux-host")
QEMU_USER = os.environ.get("QEMU_USER", "qemu-riscv64-static")
GLIBC_CC = os.environ.get("GLIBC_CC", "riscv64-linux-gnu-gcc")
GLIBC_LIBC = "/usr/riscv64-linux-gnu/lib/libc.a"
HOST_CC = os.environ.get("HOST_CC", "cc")
ENV = ["PATH=.", "HOME=/", "LX_SUITE=1"]   # both sides, in this order
PROG_TIMEOUT = 60       # seconds a program may run (lxrun's timeout too)
BOOT_TIMEOUT = 300      # plus PER_PROG per program, for a whole Kite run
PER_PROG = 20
TERM_ROWS, TERM_COLS = 24, 80
DIFF_LINES = 24
ARGS_RE = re.compile(r"^\s*\*?\s*lx-args:(.*)$", re.M)
END_RE = r"\n@@lxrun end %s (exit -?\d+|signal \d+|timeout|error -?\d+)\n"


def programs():
    """[(app name, [arguments after argv[0]])] for tests/linux/*.c."""
    out = []
    for f in sorted(os.listdir(LINUX_SRC)):
        if not f.endswith(".c"):
            continue
        with open(os.path.join(LINUX_SRC, f), encoding="utf-8") as src:
            m = ARGS_RE.search(src.read())
        out.append(("lx_" + f[:-2], shlex.split(m.group(1)) if m else []))
    return out


def missing():
    """Why the suite cannot run here, naming the fix, or ""."""
    if (not shutil.which(GLIBC_CC)) or not os.path.isfile(GLIBC_LIBC):
        return ("no %s with static glibc (%s): run make deps (Debian "
                "gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross)"
                % (GLIBC_CC, GLIBC_LIBC))
    if not shutil.which(QEMU_USER):
        return "no %s: run make deps (Debian qemu-user-static)" % QEMU_USER
    lost = [n for n, _ in programs()
            if not os.path.isfile(os.path.join(BIN_DIR, n))]
    if lost:
        return ("%s not built: run make extra (make test does), and make "
                "APPS_EXTRA=build/extra" % ", ".join(lost))
    return ""


def build_host_dir():
    """build/linux-host: the wrapper and a link lx_NAME to it each."""
    os.makedirs(HOST_DIR, exist_ok=True)
    src = os.path.join(LINUX_SRC, "host", "lxwrap.c")
    wrap = os.path.join(HOST_DIR, "lxwrap")
    qemu = shutil.which(QEMU_USER)
    cmd = [HOST_CC, "-O2", "-Wall", "-Werror", '-DLX_BIN_DIR="%s"' % BIN_DIR,
           '-DQEMU_USER="%s"' % qemu, "-o", wrap + ".new", src]
    p = subprocess.run(cmd, input="", capture_output=True, text=True,
                       timeout=120)
    if p.returncode != 0:
        raise RuntimeError("building lxwrap: " + (p.stdout + p.stderr)[-500:])
    os.replace(wrap + ".new", wrap)
    for name in os.listdir(HOST_DIR):
        if name.startswith("lx_"):
            os.unlink(os.path.join(HOST_DIR, name))
    for name, _ in programs():
        os.symlink("lxwrap", os.path.join(HOST_DIR, name))


def _take_terminal():
    """In the child: a session of its own with the pty as its terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_on_pty(name, args, timeout=PROG_TIMEOUT):
    """Run lx_NAME on the host as described above: (text, end, seconds),
    end as lxrun prints it ("exit N", "signal N", "timeout")."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ,
                struct.pack("HHHH", TERM_ROWS, TERM_COLS, 0, 0))
    env = dict(e.split("=", 1) for e in ENV)
    start = time.monotonic()
    proc = subprocess.Popen([name] + args, executable=os.path.join(HOST_DIR, name),
                            stdin=slave, stdout=slave, stderr=slave,
                            cwd=HOST_DIR, env=env, preexec_fn=_take_terminal)
    os.close(slave)
    data, timed_out = bytearray(), False
    while True:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([master], [], [], min(left, 1.0))
        if not ready:
            if proc.poll() is not None and not select.select([master], [], [], 0.2)[0]:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:             # EIO: every writer has gone
            break
        if not chunk:
            break
        data += chunk
    if timed_out:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    proc.wait()
    os.close(master)
    text = data.decode("utf-8", "replace").replace("\r", "")
    if timed_out:
        end = "timeout"
    elif proc.returncode < 0:
        end = "signal %d" % -proc.returncode
    else:
        end = "exit %d" % proc.returncode
    return text, end, time.monotonic() - start


_host_lock = threading.Lock()
_host = {}


def host_results():
    """Every program on the host, run once and shared by the jobs:
    {name: (text, end, seconds)}."""
    with _host_lock:
        if not _host:
            build_host_dir()
            for name, args in programs():
                _host[name] = run_on_pty(name, args)
        return dict(_host)


def qemu_user_job():
    why = missing()
    if why:
        return Outcome([Check("linux[qemu-user]", False, why)])
    res = host_results()
    late = [n for n, (_, end, _) in res.items() if end == "timeout"]
    secs = sum(s for _, _, s in res.values())
    return Outcome([Check("linux[qemu-user]", not late,
                          "timed out: " + ", ".join(late) if late else "",
                          "%d programs, %.1f s" % (len(res), secs))])


def script():
    """lxrun's input: each command once the previous program has ended."""
    first = "timeout\t%d\nenv\t%s\n" % (PROG_TIMEOUT, "\t".join(ENV))
    steps, expect = [], "lxrun: ready\n"
    for name, args in programs():
        line = "\t".join(["run", name] + args)
        assert len(line) < 250 and "\n" not in line, line
        steps.append((expect, first + line + "\n"))
        first, expect = "", "\n@@lxrun end %s " % name
    steps.append((expect, "quit\n"))
    return steps


def kite_outputs(output):
    """{name: (text, end)} from lxrun's console."""
    got = {}
    for name, _ in programs():
        start = "@@lxrun start %s\n" % name
        at = output.find(start)
        if at < 0:
            continue
        at += len(start)
        m = re.compile(END_RE % re.escape(name)).search(output, at)
        if m:
            got[name] = (output[at:m.start()], m.group(1))
    return got


def short_diff(want, got):
    lines = list(difflib.unified_diff(want.split("\n"), got.split("\n"),
                                      "linux (qemu-user)", "kite", n=1,
                                      lineterm=""))
    if len(lines) > DIFF_LINES:
        lines = lines[:DIFF_LINES] + ["... (%d more diff lines)"
                                      % (len(lines) - DIFF_LINES)]
    return lines


def kite_job(cpus):
    name = "linux[cpus=%d]" % cpus
    why = missing()
    if why:
        return Outcome([Check(name, False, why)])
    want = host_results()
    progs = programs()
    res = qemu_run.run(cpus, "128M", 'init="lxrun"',
                       BOOT_TIMEOUT + PER_PROG * len(progs),
                       input_script=script())
    got = kite_outputs(res.output)
    checks, diffs = [], []
    for prog, _ in progs:
        w_text, w_end, _ = want[prog]
        if prog not in got:
            checks.append(Check("%s/%s" % (name, prog), False,
                                "no end line on Kite"))
            continue
        g_text, g_end = got[prog]
        bad = []
        if g_end != w_end:
            bad.append("Kite: %s, Linux: %s" % (g_end, w_end))
        if g_text != w_text:
            bad.append("output differs")
            diffs += ["%s/%s:" % (name, prog)] + short_diff(w_text, g_text)
        checks.append(Check("%s/%s" % (name, prog), not bad, "; ".join(bad)))
    done = "\nlxrun: done\n" in res.output and res.status == 0
    checks.append(Check(name, done, "" if done else
                        "lxrun did not finish: " + why_run_failed(res),
                        "%d programs, %.1f s" % (len(progs), res.seconds)))
    out = qemu_outcome(checks, res)
    if diffs:
        out = Outcome(out.checks, diffs + ["console tail:"] + (out.tail or res.tail()))
    return out


UNKNOWN_RE = re.compile(r"pid (\d+) \(lx_files\): unknown system call (\d+) "
                        r"\(([^)]*)\)")


def unknown_calls_job():
    """log=debug: lx_files' calls 244 (twice) and 1000 are named once
    each, with Linux's name or "not a Linux call", and lx_files goes on
    to its end (exit 0)."""
    name = "linux/unknown_calls"
    why = missing()
    if why:
        return Outcome([Check(name, False, why)])
    steps = [("lxrun: ready\n", "env\t%s\nrun\tlx_files\n" % "\t".join(ENV)),
             ("\n@@lxrun end lx_files ", "quit\n")]
    res = qemu_run.run(2, "128M", 'init="lxrun" log=debug', BOOT_TIMEOUT,
                       input_script=steps)
    told = [(m.group(2), m.group(3)) for m in UNKNOWN_RE.finditer(res.output)]
    ended = re.search(END_RE % "lx_files", res.output)
    want = [("244", "not a Linux call"), ("1000", "not a Linux call")]
    if sorted(told) != sorted(want):
        bad = "told %r, want %r" % (told, want)
    elif not ended or ended.group(1) != "exit 0":
        bad = "lx_files: %s" % (ended.group(1) if ended else "no end line")
    else:
        bad = ""
    return qemu_outcome([Check(name, not bad, bad)], res)


def failalloc_lxtests_job(cpus, seed):
    """lxtests with 1 in FAILALLOC_N allocations failing: the argument
    lists' frames, getrandom, readv/writev and the rest fail cleanly -
    no panic, no hang, a summary, every frame back."""
    name = "failalloc/lxtests[cpus=%d,seed=%d]" % (cpus, seed)
    res = qemu_run.run(cpus, "128M", 'init="lxtests --harts=%d" '
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


def jobs():
    """(name, function, args) for tests/run.py."""
    return ([("linux[qemu-user]", qemu_user_job, ())] +
            [("linux[cpus=%d]" % n, kite_job, (n,)) for n in (1, 4)] +
            [("linux/unknown_calls", unknown_calls_job, ())] +
            [("lxtests[cpus=%d]" % n, usertests_job, (n, "lxtests"))
             for n in (1, 4)] +
            [("failalloc/lxtests[cpus=%d]" % n, failalloc_lxtests_job,
              (n, 40 + n)) for n in (1, 4)])
