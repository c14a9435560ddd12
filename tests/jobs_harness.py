#!/usr/bin/python3
"""tests/jobs_harness.py - tests/run.py's checks of the harness itself:
tools/run.py's --timeout fires on a silent program, and a QEMU killed
from outside is a failure (128+N), never status 0, for tools/run.py and
for qemu_run.run alike; each QEMU's standard input is a pipe of its own;
tools/symbolize.py --stream (make qemu's console filter) passes bytes at
once and annotates backtraces, also of a real panic on a terminal.
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from checks import (BOOT_RE, Check, Outcome, qemu_outcome,  # noqa: E402
                    why_run_failed)
from qemu_run import ROOT, symbolize  # noqa: E402


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


def harness_symbolize_stream_job():
    """tools/symbolize.py --stream (make qemu's filter): bytes pass at once
    and unchanged but for annotations, whatever the chunking (a line end
    split between two writes, "\\r" inside a line), and a backtrace line
    gets the same annotation as symbolize_text gives it."""
    name = "harness/symbolize_stream"
    sym = symbolize.Symbolizer()
    if not sym.enabled:
        return Outcome([Check(name, False, "no kernel ELF or addr2line "
                              "(make all; make deps)")], None)
    addr = "0x%016x" % sym.syms[len(sym.syms) // 2][0]
    text = ("OpenSBI\r\nkite$ \r\n  #0 %s\r\na\rb\n  #1 %s\nkite$ " %
            (addr, addr))
    want = symbolize.symbolize_text(text.replace("\r", "")).split("\n")
    bad = ""
    for size in (1, 2, 3, 7, len(text)):
        rfd, wfd = os.pipe()
        ofd_r, ofd_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer: the text in chunks of `size` bytes
            os.close(rfd)
            os.close(ofd_r)
            os.close(ofd_w)
            data = text.encode()
            for i in range(0, len(data), size):
                os.write(wfd, data[i:i + size])
                time.sleep(0.001)
            os._exit(0)
        os.close(wfd)
        symbolize.stream(sym, rfd, ofd_w)
        os.close(rfd)
        os.close(ofd_w)
        got = b""
        while True:
            b = os.read(ofd_r, 65536)
            if not b:
                break
            got += b
        os.close(ofd_r)
        os.waitpid(pid, 0)
        out = got.decode()
        if out.replace("\r", "").split("\n") != want or "a\rb" not in out:
            bad = "chunks of %d: %r, want %r" % (size, out, want)
            break
    return Outcome([Check(name, not bad, bad)], None)


def harness_console_symbolized_job():
    """A panic on a live console (make qemu's pipeline: QEMU on a terminal,
    its output through tools/symbolize.py --stream) shows its backtrace
    with function names and source lines."""
    import pexpect
    name = "harness/console_symbolized"
    cmd = qemu_run.qemu_cmd(1, "128M", "crash=fault")
    line = " ".join("'%s'" % a for a in cmd)
    script = "%s | %s %s --stream" % (
        line, sys.executable, os.path.join(ROOT, "tools", "symbolize.py"))
    child = pexpect.spawn("/bin/sh", ["-c", script], cwd=ROOT,
                          encoding="utf-8", codec_errors="replace")
    bad = ""
    try:
        child.expect(r"#\d+ 0x[0-9a-f]{16} crash_fault\+0x[0-9a-f]+ "
                     r"\(kernel/test/crash\.c:\d+\)", timeout=60)
    except (pexpect.TIMEOUT, pexpect.EOF):
        bad = "no symbolized crash_fault frame: %r" % child.before[-600:]
    finally:
        child.close(force=True)
    return Outcome([Check(name, not bad, bad)], None)
