#!/usr/bin/python3
"""tests/qemu_run.py - boot Kite once under QEMU and capture its console.

Command line (what `make ktest` uses):

    tests/qemu_run.py [--cpus N] [--mem M] [--timeout S] [--swap SIZE] -- BOOTARGS...

boots build/kernel.elf, copies the console (backtraces symbolized by
tools/symbolize.py) to stdout as it arrives and exits with QEMU's status:
0 when the kernel powered off cleanly, 1 when its tests failed, 3 after a
panic. After S seconds QEMU is killed, the last 40 console lines are printed
again as "console tail" and the status is 124; 128+N if a signal N ended
QEMU. The exit status is never 0 unless Kite powered off cleanly.

As a module:

    run(cpus, mem, bootargs, timeout, input_script=None, stop_when=None,
        swap=None)
        -> Result(status, output, timed_out, seconds, stopped, lines)

`output` is the console as text with "\\r" removed (QEMU's stderr is mixed
in); `status` is QEMU's exit status, 128+N if a signal N from elsewhere
ended QEMU (tools/qemu_exit.py: QEMU exits 0 after catching SIGTERM), or
None if run() killed QEMU itself (timeout or stop_when); never 0 for a
QEMU that did not power off by itself. `lines` lists
(seconds since start, line) for every complete console line.
`input_script` is a list of (expect, send) pairs: once the text `expect`
has appeared (None: at once) `send` is written to the console.
`stop_when(output)` is called as output arrives; when it returns true QEMU
is stopped and `stopped` is set.

Every QEMU gets a swap disk of its own (tools/qemu_disk.py): a sparse
image of `swap` bytes (default: the SWAP environment variable, which make
exports, else 64M; 0: no disk) in a temporary directory, deleted when
QEMU has ended, so QEMUs running at once never share (and lock) one.

QEMU's standard input is always a pipe of its own, kept open until QEMU
has ended: never /dev/null, which on some machines is a regular file that
other processes write into (QEMU would read that as typed console input).
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
KERNEL = os.path.join(BUILD, "kernel.elf")
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
TAIL_LINES = 40

sys.path.insert(0, os.path.join(ROOT, "tools"))
import symbolize  # noqa: E402  (tools/ is not a package)
import qemu_exit  # noqa: E402
import qemu_disk  # noqa: E402

TIMEOUT_STATUS = qemu_exit.TIMEOUT_STATUS   # 124


@dataclass
class Result:
    status: object          # exit status (128+N: signal N), or None if
                            # run() killed QEMU (timeout, stop_when)
    output: str
    timed_out: bool
    seconds: float
    stopped: bool = False
    lines: list = field(default_factory=list)

    def tail(self, n=TAIL_LINES):
        """The last n console lines."""
        return self.output.rstrip("\n").split("\n")[-n:]

    def first_time(self, predicate):
        """Seconds at which the first line satisfying predicate arrived."""
        for t, line in self.lines:
            if predicate(line):
                return t
        return None


def qemu_cmd(cpus, mem, bootargs, kernel=KERNEL, extra=()):
    """The argument list that boots Kite with the console on stdio."""
    if not isinstance(bootargs, str):
        bootargs = " ".join(bootargs)
    return [QEMU, "-machine", "virt", "-bios", "default",
            "-display", "none", "-monitor", "none",
            # Ctrl-C goes to the guest, not to QEMU as a signal
            "-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con",
            "-smp", str(cpus), "-m", str(mem),
            "-kernel", kernel, "-append", bootargs] + list(extra)


def to_text(data):
    """Console bytes as text, without carriage returns."""
    return data.decode("utf-8", "replace").replace("\r", "")


class Console:
    """Collects QEMU's output in a thread; wakes waiters on new data."""

    def __init__(self, stream, start, on_line=None):
        self.data = bytearray()
        self.lines = []
        self.partial = b""
        self.eof = False
        self.start = start
        self.on_line = on_line
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,),
                                       daemon=True)
        self.thread.start()

    def _read(self, stream):
        fd = stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            with self.cond:
                if not chunk:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.data += chunk
                self._split(chunk)
                self.cond.notify_all()

    def _split(self, chunk):
        now = time.monotonic() - self.start
        *done, self.partial = (self.partial + chunk).split(b"\n")
        for raw in done:
            line = to_text(raw)
            self.lines.append((now, line))
            if self.on_line:
                self.on_line(line)

    def text(self):
        with self.cond:
            return to_text(bytes(self.data))


def kill_group(proc):
    """Kill QEMU and anything else in its process group."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def step_script(proc, script, text, pos):
    """Send the script's next input if its expected text has appeared.

    Returns the new (script, pos): pos is where the next search starts."""
    if not script:
        return script, pos
    expect, send = script[0]
    if expect is not None:
        at = text.find(expect, pos)
        if at < 0:
            return script, pos
        pos = at + len(expect)
    try:
        proc.stdin.write(send.encode())
        proc.stdin.flush()
    except (BrokenPipeError, OSError):
        pass
    return script[1:], pos


def watch(proc, con, start, timeout, script, stop_when):
    """Follow QEMU until it ends, stop_when says so or timeout passes;
    feeds the input script. Returns (timed_out, stopped)."""
    script, pos = list(script or []), 0
    seen, text = -1, ""
    while True:
        with con.cond:
            if not con.eof and len(con.data) == seen:
                con.cond.wait(0.1)
            eof, size = con.eof, len(con.data)
        if eof:
            try:
                proc.wait(timeout=0.1)
                return False, False
            except subprocess.TimeoutExpired:
                pass
        if size != seen:
            seen, text = size, con.text()
            script, pos = step_script(proc, script, text, pos)
        if stop_when and seen > 0 and stop_when(text):
            return False, True          # asked every 0.1 s: it may time
        if time.monotonic() - start > timeout:
            return True, False


def run(cpus, mem, bootargs, timeout, input_script=None, stop_when=None,
        on_line=None, qemu_extra=(), swap=None):
    """Boot Kite once; see the module docstring. qemu_extra: more QEMU
    arguments (e.g. -icount shift=0); swap: the disk's size (None: SWAP)."""
    with qemu_disk.private_disk(swap) as disk:
        return _run(cpus, mem, bootargs, timeout, input_script, stop_when,
                    on_line, list(qemu_extra) + disk)


def _run(cpus, mem, bootargs, timeout, input_script, stop_when, on_line,
         qemu_extra):
    start = time.monotonic()
    proc = subprocess.Popen(
        qemu_cmd(cpus, mem, bootargs, extra=qemu_extra),
        stdin=subprocess.PIPE,          # private; open until QEMU ends
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, cwd=ROOT)
    con = Console(proc.stdout, start, on_line)
    try:
        timed_out, stopped = watch(proc, con, start, timeout, input_script,
                                   stop_when)
    except BaseException:               # Ctrl-C, a harness bug: no QEMU
        kill_group(proc)                # is left running in its session
        raise
    if timed_out or stopped:
        kill_group(proc)
    proc.wait()
    con.thread.join(timeout=5)
    proc.stdin.close()                  # only now that QEMU has ended
    status = None
    if not (timed_out or stopped):      # a signal we did not send: 128+N
        status = qemu_exit.exit_status(proc.returncode, con.text())
    return Result(status, con.text(), timed_out, time.monotonic() - start,
                  stopped, list(con.lines))


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Boot Kite once under QEMU and print its console.")
    ap.add_argument("--cpus", type=int, default=4, help="harts (default 4)")
    ap.add_argument("--mem", default="128M", help="RAM size (default 128M)")
    ap.add_argument("--timeout", type=float, default=120,
                    help="seconds before QEMU is killed (default 120)")
    ap.add_argument("--swap", default=None,
                    help="size of the private swap disk (default: $SWAP "
                    "or 64M; 0: none)")
    ap.add_argument("bootargs", nargs="*", help="kernel command line")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sym = symbolize.Symbolizer()

    def show(line):
        for done in sym.feed(line):
            print(done, flush=True)

    res = run(args.cpus, args.mem, args.bootargs, args.timeout,
              on_line=show, swap=args.swap)
    for done in sym.flush():
        print(done)
    last = res.output.rsplit("\n", 1)[-1]
    if last:                            # an unterminated last line
        print(last)
    if res.timed_out:
        print("qemu_run: timed out after %g s; console tail:" % args.timeout)
        tail = symbolize.symbolize_text("\n".join(res.tail()) + "\n")
        for line in tail.rstrip("\n").split("\n"):
            print("    " + line)
        sys.stdout.flush()
        return TIMEOUT_STATUS
    sys.stdout.flush()
    return exit_status(res)


def exit_status(res):
    """The command line's exit status for a Result: 124 after a timeout,
    1 if QEMU was stopped without a status, else QEMU's (0 only after a
    clean power-off)."""
    if res.timed_out:
        return TIMEOUT_STATUS
    if not isinstance(res.status, int):
        return 1
    return res.status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
