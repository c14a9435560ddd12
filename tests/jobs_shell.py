#!/usr/bin/python3
"""tests/jobs_shell.py - tests/run.py's console scenarios: the shell and
the console driven as a user types (pexpect on QEMU's console), each a
list of steps (keys to send, patterns to wait for).

  shell/basics    lsapp, an app and $?, fact on stdin, ps and ps -T
  shell/vm        ps's sizes, pmap of the shell, mem
  shell/swap      swap and usermem, swaptests' frames at the prompt
  shell/jobs      a background spin seen by ps and top, killed; Ctrl-C;
                  history; exit
  shell/editing   quoting, long lines, errors, Home/End/Delete, Ctrl-D's
                  hint, fact's prompt, help's line for every app
  procdump        Ctrl-P's process table
console_session() is shared with tests/jobs_signals.py (shell/signals).
"""
import io
import os
import re
import signal

import qemu_run
from checks import BOOT_TIMEOUT, Check, Outcome, tail_of

ROOT = qemu_run.ROOT
PROMPT = "kite$ "  # the shell is up


def swap_mib():
    """MiB of the swap disk every QEMU here gets (SWAP; 0: none)."""
    return qemu_run.qemu_disk.size_bytes(qemu_run.qemu_disk.swap_size()) >> 20


STEP_TIMEOUT = 10  # seconds for each pattern of a console step


def console_session(name, cpus, steps, bootargs=""):
    """Boot (with bootargs), wait for the prompt, then for each (send,
    [expected regexes]) or (send, [regexes], timeout) send the text and
    expect each pattern in turn, each within the timeout (default
    STEP_TIMEOUT s). A pattern may also be (regex, judge): judge(match)
    returns why the text matched is wrong, or "". One check, `name`."""
    with qemu_run.qemu_disk.private_disk() as disk:
        return _console_session(name, cpus, steps, disk, bootargs)


def _console_session(name, cpus, steps, disk, bootargs):
    import pexpect
    cmd = qemu_run.qemu_cmd(cpus, "128M", bootargs, extra=disk)
    log = io.StringIO()
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=ROOT, echo=False,
                          encoding="utf-8", codec_errors="replace")
    child.logfile_read = log
    bad, waiting = "", PROMPT
    try:
        child.expect_exact(PROMPT, timeout=BOOT_TIMEOUT)
        for send, patterns, *limit in steps:
            child.send(send)
            for waiting in patterns:
                judge = None
                if isinstance(waiting, tuple):
                    waiting, judge = waiting
                child.expect(waiting, timeout=limit[0] if limit
                             else STEP_TIMEOUT)
                bad = judge(child.match) if judge else ""
                if bad:
                    break
            if bad:
                break
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
    """lsapp, an app with its exit status, fact on stdin, ps columns (and
    ps -T's, a line per thread)."""
    return console_session("shell/basics", 2, [
        ("lsapp\r", [r"fact.*forktree.*hello.*sh.*spin.*stride", P]),
        ("hello\r", [r"Hello, Kite!", P]),
        ("echo $?\r", [r"\n233\r*\n", P]),
        ("fact\r", []),
        ("999999\r", [r"128233642", P]),
        ("ps\r", [r"PID\s+PPID\s+STATE\s+NAME\s+THR\s+CLASS\s+PRIO\s+PASS"
                   r"\s+TICKS\s+CODE\s+DATA\s+HEAP\s+STACK",
                   r"\n\s+1\s+0 sleeping\s+init\s+1\s+rr\s.*\s+-\s+-\s+-\r*(?=\n)",
                   r"\n\s+2\s+1 running\s+sh\s+1\s+rr\s+16\s+\d+\s+\d+\s+[1-9]",
                   P]),
        ("ps -T\r", [r"PID\s+TID\s+PPID\s+STATE\s+NAME\s+HART\s+CLASS",
                      r"\n\s+2\s+2\s+1 running\s+sh\s+\d+\s+rr\s+16", P])])


SIZE = r"(?:\d+K|\d\.\d[MG]|\d+[MG])"  # ps's sizes, but for "0"


def shell_vm_job():
    """The memory views: ps's RSS, SWAP and VSZ with units, pmap of the
    shell (its code, data and stack regions, a total), mem's figures."""
    size = SIZE  # not 0: the shell has memory
    region = r"\n[0-9a-f]{16}-[0-9a-f]{16} %s %s +\d+ +\d+\b"
    return console_session("shell/vm", 2, [
        ("ps\r", [r"PID\s+PPID\s+STATE\s+NAME\s+.*\s+PT\s+RSS\s+SWAP\s+VSZ\b",
                   r"\n\s+2\s+1 running\s+sh\s+1\s+rr\s.*\s%s\s+(?:0|%s)\s+%s\r*\n"
                   % (size, size, size), P]),
        ("pmap 2\r", [r"pmap 2 \(sh\)",
                       r"START\s+END\s+PERM\s+KIND\s+SIZE KiB\s+RSS KiB",
                       region % ("r-xp", "code"), region % ("rw-p", "data"),
                       region % ("rw-p", "stack"),
                       r"total: \d+ regions, \d+ KiB, \d+ KiB resident, "
                       r"\d+ KiB swapped\r*\n", P]),
        ("pmap 99999\r", [r"pmap: 99999: No such process", P]),
        ("mem\r", [r"total \d+ KiB, free \d+ KiB, kernel \d+ KiB \(page "
                   r"tables [1-9]\d* KiB\), user \d+ KiB \(shared \d+ KiB\)",
                   # no usermem=: no cap after the swap figures
                   r"\nswap \d+/[1-9]\d* KiB used, \d+ pages out, \d+ in\r*\n"
                   if swap_mib() else r"\nswap none\r*\n", P])])


SWAP_CAP_MIB = 4  # shell/swap's usermem=
# swaptests' last check (user/apps/usertests.h): every frame and swap
# slot is back
FRAMES_RE = (r"\n(?:ok frames|FAIL frames: (\d+) free before, (\d+) after; "
             r"swap used (\d+) before, (\d+) after)")


def frames_judge(m):
    """swaptests' frames check, at the shell's prompt: the shell's own
    pages may go to swap while swaptests runs (the check expects none
    but the driver's), each a frame more free and a slot more used. Any
    other difference is a frame or slot lost."""
    if m.group(1) is None:
        return ""
    free0, free1, used0, used1 = (int(g) for g in m.groups())
    if free1 - free0 == used1 - used0 >= 0:
        return ""
    return "swaptests: " + m.group(0).strip()


def shell_swap_job():
    """Booted with usermem=4M: swaptests' workset_3x (12 MiB, three times
    the cap) passes at the prompt (its frames check may count the
    shell's pages gone to swap: frames_judge); then mem shows pages
    swapped out and the cap, ps and pmap a swapped figure, the swap
    built-in the policy (clock, the default) and its counters; "swap
    fifo" and "swap lru" switch, an unknown name is refused and changes
    nothing; usermem shows, sets, refuses too small a cap and lifts it;
    mem counts faults and reclaim scans in all."""
    size0 = r"(?:0|%s)" % SIZE
    return console_session("shell/swap", 2, [
        ("swaptests workset_3x\r", [(r"\n(ok|FAIL) workset_3x\b[^\n]*",
                                     lambda m: "swaptests: " + m.group(0).strip()
                                     if m.group(1) != "ok" else ""),
                                    (FRAMES_RE, frames_judge),
                                    r"\nswaptests: (2 passed, 0|1 passed, 1) "
                                    r"failed", P], 120),
        ("mem\r", [r"total \d+ KiB, free \d+ KiB",
                   r"\nswap \d+/[1-9]\d* KiB used, [1-9]\d* pages out, "
                   r"[1-9]\d* in, user memory capped at %d KiB \(usermem=\)"
                   r"\r*\n" % (SWAP_CAP_MIB * 1024), P]),
        ("ps\r", [r"\s+PT\s+RSS\s+SWAP\s+VSZ\b",
                   r"\n\s+2\s+1 running\s+sh\s+1\s+rr\s[^\n]*\s%s\s+%s\s+%s\r*\n"
                   % (SIZE, size0, SIZE), P]),
        ("pmap 2\r", [r"total: \d+ regions, \d+ KiB, \d+ KiB resident, "
                       r"\d+ KiB swapped\r*\n", P]),
        ("swap\r", [r"\nswap policy: clock\b",
                    r"\narea: \d+/[1-9]\d* KiB used \(\d+ of [1-9]\d* pages\)",
                    r"\npages: [1-9]\d* out, [1-9]\d* in; errors: 0 write, "
                    r"0 read\b",
                    r"\nreclaim: [1-9]\d* frames scanned, [1-9]\d* evicted, "
                    r"\d+ referenced, \d+ busy\b", P]),
        ("swap fifo\r", [r"\nswap policy: fifo\b", P]),
        ("swap\r", [r"\nswap policy: fifo\b", r"\npages: [1-9]", P]),
        ("swap nosuch\r", [r"\nswap: nosuch: no such policy \(clock, lru, "
                           r"fifo\)", P]),
        ("swap\r", [r"\nswap policy: fifo\b", P]),
        ("swap lru\r", [r"\nswap policy: lru\b", P]),
        ("swap\r", [r"\nswap policy: lru\b",
                    r"\nreclaimd: keeps \d+-\d+ frames free, \d+ rounds; "
                    r"aging found \d+ used; \d+ frames queued", P]),
        ("swap clock\r", [r"\nswap policy: clock\b", P]),
        ("usermem\r", [r"\nuser memory: \d+ KiB in use, capped at %d KiB"
                       % (SWAP_CAP_MIB * 1024), P]),
        ("usermem 5M\r", [r"\nuser memory: \d+ KiB in use, capped at 5120 "
                          r"KiB", P]),
        ("usermem 100K\r", [r"\nusermem: 100K: too small \(1M at least\)",
                            P]),
        ("usermem off\r", [r"\nuser memory: \d+ KiB in use, no cap", P]),
        ("mem\r", [r"\nfaults [1-9]\d* in all; reclaim [1-9]\d* frames "
                   r"scanned, [1-9]\d* evicted", P])],
        bootargs="usermem=%dM" % SWAP_CAP_MIB)


def shell_jobs_job():
    """A background spin seen by ps and top (first, with most of a hart;
    q leaves top), killed by pid, Ctrl-C on a foreground spin, history
    recall with the Up key, and exit powering off."""
    return console_session("shell/jobs", 2, [
        ("spin &\r", [r"\[(\d+)\]", P]),
        ("ps\r", [r"\n\s+\d+\s+2 (running|runnable)\s+spin", P]),
        # top: the spinner first, with most of a hart
        ("top -n 1\r", [r"PID NAME\s+STATE\s+HART\s+CLASS\s+PRIO\s+PASS\s+"
                        r"THR\s+CPU%\s+RSS\r*\n\s+3 spin\s+(running|runnable)"
                        r"\s+\d+\s+rr\s+16\s+\d+\s+1\s+([5-9]\d|1\d\d)\.\d", P]),
        ("top\r", [r"q to leave"]),
        ("q", [P]),
        ("kill 3\r", [P]),
        # the kill lands at spin's next return to user mode: give it time
        ("sleep 0.5\r", [r"\[1\]\s+Killed by signal 15 \(SIGTERM\)\s+spin", P]),
        ("spin\r", []),
        ("\x03", [r"\^C", r"killed by signal 2", P]),
        ("echo history works\r", [r"\nhistory works", P]),
        ("\x1b[A\r", [r"\nhistory works", P]),
        ("exit\r", [pexpect_eof()])])


FACTS = [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800]


def shell_fg_reader_job():
    """A job that reads the console at once, on 4 harts, ten times: each
    time it has the console from its first instruction (spawned in the
    foreground), never stopped by SIGTTIN in a race with the shell's hand
    over. Then a background reader stops (SIGTTIN) and fg hands it the
    console before it goes on."""
    steps = []
    for i in range(1, 11):
        steps += [("fact\r", [r"n = "]),
                  ("%d\r" % i, [r"\n%d\r*\n" % FACTS[i], P])]
    steps += [("fact &\r", [r"\[1\] \d+", P]),
              ("sleep 0.3\r", [P]),
              ("jobs\r", [r"\[1\]\s+Stopped\s+\d+\s+fact", P]),
              ("fg\r", [r"fact"]),
              ("7\r", [r"\n5040\r*\n", P]),
              ("jobs\r", [P])]
    return console_session("shell/fg_reader", 4, steps)


def tree_apps():
    """The apps built from user/apps: a .c file or a directory each."""
    d = os.path.join(ROOT, "user", "apps")
    return sorted(n[:-2] if n.endswith(".c") else n for n in os.listdir(d)
                  if n.endswith(".c") or os.path.isdir(os.path.join(d, n)))


def shell_editing_job():
    """Quoting ('...', "...", backslash, $?), a 300-character line and 40
    words whole, errors for an open quote, a misplaced & and exit with a
    word, Home/End/Delete and Ctrl-A/Ctrl-E, the Ctrl-D hint, fact's
    prompt on a terminal, and help's line for every app of the tree."""
    long_word = "x" * 290
    words = " ".join("w%d" % i for i in range(40))
    help_lines = [r"\n  %s\s+(?!\(built outside)\S" % re.escape(a)
                  for a in tree_apps()]
    return console_session("shell/editing", 2, [
        ("echo 'a  b' \"c\\\"d\" e\\ f $? '$?'\r",
         [r'\na  b c"d e f 0 \$\?\r*\n', P]),
        ("echo %s\r" % long_word, [r"\n%s\r*\n" % long_word, P]),
        ("echo %s\r" % words, [r"\n%s\r*\n" % words, P]),
        ("echo 'open\r", [r"sh: unterminated ' quote", P]),
        ("echo a & b\r", [r"sh: & must end the line", P]),
        ("exit abc\r", [r"sh: exit: abc: a number is needed", P]),
        ("exit 1 2\r", [r"sh: exit: too many arguments", P]),
        # "cho hi", Home, "e", End, "!": echo hi!
        ("cho hi\x1b[He\x1b[F!\r", [r"\nhi!\r*\n", P]),
        # Ctrl-A and Ctrl-E, and ESC [ 1 ~ / ESC [ 4 ~ for Home and End
        ("cho ab\x01e\x05c\r", [r"\nabc\r*\n", P]),
        ("cho ok\x1b[1~e\x1b[4~!\r", [r"\nok!\r*\n", P]),
        # "echo abXc", Left twice, Delete (ESC [ 3 ~): echo abc
        ("echo abXc\x1b[D\x1b[D\x1b[3~\r", [r"\nabc\r*\n", P]),
        ("\x04", [r"Ctrl-D: type exit to leave", P]),
        ("echo still here\r", [r"\nstill here", P]),
        ("fact\r", [r"n = "]),
        ("10\r", [r"3628800", P]),
        ("help\r", [r"Apps:"] + help_lines + [P])])


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
