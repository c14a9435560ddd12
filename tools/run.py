#!/usr/bin/python3
"""tools/run.py - boot Kite with one program as init and show only its output.

    run.py [--cpus N] [--mem M] [--timeout S] [--bootargs ARGS]
           [--swap SIZE | --swap-image FILE] PROGRAM [ARGS...]

Boots with boot argument init="PROGRAM ARGS", passes standard input to the
console, prints the console from the line after Kite's boot line on (so
neither the firmware's banner nor the boot line appears; QEMU's own
messages go to stderr) and exits with QEMU's status, which is the
program's exit status (init powers the machine off with it; 128+N when a
signal N ended it).

A program that ends with a status other than 0 is reported on stderr
once QEMU is done, in plain words: "run: exit status 3", or "run: killed
by signal 11 (SIGSEGV)" for 128+N.
--trace-log FILE keeps the event trace's lines (docs/TRACE.md) out of the
output and writes them to FILE (`make run TRACE=1`).

Exit statuses of run.py itself:
  124     --timeout S seconds passed (whether or not the program printed
          anything); "run: timed out after S s" is printed on stderr
  128+N   QEMU was killed by signal N, or caught it and shut down (QEMU
          exits 0 then; tools/qemu_exit.py); also when run.py itself gets
          SIGTERM or SIGHUP (130 for Ctrl-C)

The swap disk (tools/qemu_disk.py): by default a private sparse image of
--swap SIZE bytes (default $SWAP, else 64M; 0: no disk), deleted when QEMU
is done, so that several run.py at once never share an image (QEMU locks
it); --swap-image FILE attaches FILE instead (`make run`: build/swap.img).

QEMU runs in a session of its own, and every way out of run.py kills its
whole process group, so no QEMU is left behind.
"""
import argparse
import os
import select
import signal
import subprocess
import sys
import threading
import time

import qemu_disk  # tools/qemu_disk.py, next to this file
import qemu_exit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOT_LINE = b"Kite "


class TimedOut(Exception):
    """The --timeout deadline passed."""


class Signalled(Exception):
    """run.py itself got a terminating signal."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def on_signal(signum, _frame):
    raise Signalled(signum)


def feed(proc):
    """Copy our standard input to QEMU's. QEMU's end of the pipe stays
    open after our input ends: QEMU never sees end of file."""
    try:
        while True:
            data = os.read(sys.stdin.fileno(), 4096)
            if not data:
                break
            proc.stdin.write(data)
            proc.stdin.flush()
    except (OSError, ValueError):
        pass


class StderrCopy:
    """Copies QEMU's stderr to ours in a thread and keeps its text, where
    QEMU reports a signal it caught."""

    def __init__(self, stream):
        self.chunks = []
        self.thread = threading.Thread(target=self._copy, args=(stream,),
                                       daemon=True)
        self.thread.start()

    def _copy(self, stream):
        fd = stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.chunks.append(chunk)
            try:
                sys.stderr.buffer.write(chunk)
                sys.stderr.flush()
            except (OSError, ValueError):
                pass

    def text(self, wait=2.0):
        """All of QEMU's stderr so far; waits up to `wait` s for its end."""
        self.thread.join(timeout=wait)
        return b"".join(self.chunks).decode("utf-8", "replace")


def kill_group(proc):
    """SIGKILL QEMU's process group (its own session) and reap QEMU."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def remaining(deadline):
    """Seconds left before deadline (None: no deadline); TimedOut if none."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimedOut()
    return left


class ConsoleFilter:
    """Drops the console up to and including Kite's boot line, converts
    CRLF and writes the rest to our stdout. `booted` is called once the
    boot line has gone by. With trace_log (a file open for writing), the
    event trace's lines ("@T ...", "@TRACE ...": docs/TRACE.md) go there
    instead of to stdout."""

    def __init__(self, booted, trace_log=None):
        self.seen_boot = False
        self.pending = b""
        self.booted = booted
        self.out = sys.stdout.buffer
        self.trace_log = trace_log
        self.line = b""       # the start of a line that may be a trace line
        self.mid_line = False  # the last text shown did not end a line

    def feed(self, chunk):
        if self.seen_boot:
            self._write(chunk)
            return
        self.pending += chunk
        at = self.pending.find(b"\n" + BOOT_LINE)
        end = self.pending.find(b"\n", at + 1) if at >= 0 else -1
        if end >= 0:
            self.seen_boot = True
            rest, self.pending = self.pending[end + 1:], b""
            self.booted()
            self._write(rest)

    def finish(self):
        """Without a boot line, show what there was (firmware errors)."""
        if not self.seen_boot and self.pending:
            self._write(self.pending)
            self.pending = b""
        if self.line:
            self._emit(self.line)
            self.line = b""

    def _write(self, data):
        if not data:
            return
        if self.trace_log is None:
            self._emit(data)
            return
        # whole lines that start with "@T" go to the trace log; any other
        # text is shown at once (a prompt has no newline yet)
        data, self.line = self.line + data, b""
        while data:
            nl = data.find(b"\n")
            piece = data if nl < 0 else data[:nl + 1]
            data = b"" if nl < 0 else data[nl + 1:]
            if self.mid_line:
                self._emit(piece)
            elif b"@T".startswith(piece[:2]) and nl < 0:
                self.line = piece          # not known yet: wait for more
            elif piece.startswith(b"@T"):
                self.trace_log.write(piece.replace(b"\r\n", b"\n"))
            else:
                self._emit(piece)

    def _emit(self, data):
        self.mid_line = not data.endswith(b"\n")
        self.out.write(data.replace(b"\r\n", b"\n"))
        self.out.flush()


def pump(proc, console, deadline):
    """Copy QEMU's stdout through `console` until QEMU ends; returns its
    returncode. Raises TimedOut once `deadline` passes, even while QEMU
    prints nothing."""
    fd = proc.stdout.fileno()
    while True:
        ready, _, _ = select.select([fd], [], [], remaining(deadline))
        if not ready:
            raise TimedOut()
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        console.feed(chunk)
    while True:                         # stdout closed: QEMU is ending
        try:
            return proc.wait(timeout=min(remaining(deadline) or 1.0, 1.0))
        except subprocess.TimeoutExpired:
            continue


SIGNAL_NAMES = {1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL",
                5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
                9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM",
                15: "SIGTERM"}


def describe_status(status):
    """The program's status in words: 128+N is a signal N."""
    if 128 < status < 128 + 65:
        sig = status - 128
        return "killed by signal %d%s (exit status %d)" % (
            sig, " (%s)" % SIGNAL_NAMES[sig] if sig in SIGNAL_NAMES else "",
            status)
    return "exit status %d" % status


def qemu_command(args, bootargs, disk):
    return [os.environ.get("QEMU", "qemu-system-riscv64"), "-machine", "virt",
            "-bios", "default", "-display", "none", "-monitor", "none",
            "-serial", "stdio", "-smp", args.cpus, "-m", args.mem,
            "-kernel", os.path.join(ROOT, "build", "kernel.elf"),
            "-append", bootargs] + disk


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cpus", default="1")
    ap.add_argument("--mem", default="128M")
    ap.add_argument("--timeout", type=float, default=0,
                    help="seconds before QEMU is killed and run.py exits "
                    "124 (0: no limit)")
    ap.add_argument("--bootargs", default="", help="more boot arguments")
    ap.add_argument("--swap", default=None,
                    help="size of a private swap disk (default: $SWAP or "
                    "64M; 0: none)")
    ap.add_argument("--swap-image", default=None, metavar="FILE",
                    help="attach FILE as the swap disk instead")
    ap.add_argument("--trace-log", default=None, metavar="FILE",
                    help="write the event trace's lines (@T ...) to FILE "
                    "instead of showing them")
    ap.add_argument("program", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    if args.program and args.program[0] == "--":
        args.program = args.program[1:]
    if not args.program:
        ap.error("name a program, e.g. run.py hello")
    if args.timeout < 0:
        ap.error("--timeout must be 0 (none) or more")
    try:
        qemu_disk.size_bytes(qemu_disk.swap_size() if args.swap is None
                             else args.swap)
    except ValueError as e:
        ap.error(str(e))
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.swap_image:
        return run(args, qemu_disk.disk_args(args.swap_image))
    with qemu_disk.private_disk(args.swap) as disk:
        return run(args, disk)


def run(args, disk):
    """Boot with the disk arguments `disk`; returns run.py's status."""
    init = " ".join(args.program).replace('"', "")
    bootargs = ('init="%s" %s' % (init, args.bootargs)).strip()
    deadline = (time.monotonic() + args.timeout) if args.timeout else None
    # Piped input is held back until Kite has booted: bytes that reach
    # the UART while the firmware sets it up are lost. A terminal is
    # passed straight through (a person types after the boot anyway).
    piped = not sys.stdin.isatty()
    tty = None
    if not piped:
        import termios
        tty = termios.tcgetattr(sys.stdin.fileno())
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    proc = subprocess.Popen(qemu_command(args, bootargs, disk), cwd=ROOT,
                            stdin=subprocess.PIPE if piped else None,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    errors = StderrCopy(proc.stderr)

    def booted():
        if piped:
            threading.Thread(target=feed, args=(proc,), daemon=True).start()

    trace_log = open(args.trace_log, "wb") if args.trace_log else None
    console = ConsoleFilter(booted, trace_log)
    status = None
    try:
        returncode = pump(proc, console, deadline)
        status = qemu_exit.exit_status(returncode, errors.text())
    except TimedOut:
        sys.stderr.write("run: timed out after %g s\n" % args.timeout)
        status = qemu_exit.TIMEOUT_STATUS
    except KeyboardInterrupt:
        status = 128 + signal.SIGINT
    except Signalled as e:
        status = 128 + e.signum
    finally:
        if proc.returncode is None:
            kill_group(proc)
        if tty is not None:             # QEMU put the terminal in raw mode
            import termios
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, tty)
        console.finish()
        if console.seen_boot and status not in (None, 0,
                                                qemu_exit.TIMEOUT_STATUS):
            sys.stderr.write("run: %s\n" % describe_status(status))
        if trace_log:
            trace_log.close()
        sys.stderr.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
