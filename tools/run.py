#!/usr/bin/python3
"""tools/run.py - boot Kite with one program as init and show only its output.

    run.py [--cpus N] [--mem M] [--timeout S] PROGRAM [ARGS...]

Boots with boot argument init="PROGRAM ARGS", passes standard input to the
console, prints the console from the line after Kite's boot line on (so
neither the firmware's banner nor the boot line appears), and exits with
QEMU's status, which is the program's exit status (init powers the machine
off with it; 128+N when a signal N ended it).
"""
import argparse
import os
import subprocess
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOT_LINE = b"Kite "


def feed(proc):
    """Copy our standard input to QEMU's, then close it."""
    try:
        while True:
            data = os.read(sys.stdin.fileno(), 4096)
            if not data:
                break
            proc.stdin.write(data)
            proc.stdin.flush()
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cpus", default="1")
    ap.add_argument("--mem", default="128M")
    ap.add_argument("--timeout", type=float, default=0,
                    help="seconds before giving up (0: none)")
    ap.add_argument("--bootargs", default="", help="more boot arguments")
    ap.add_argument("program", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    if args.program and args.program[0] == "--":
        args.program = args.program[1:]
    if not args.program:
        ap.error("name a program, e.g. run.py hello")
    init = " ".join(args.program).replace('"', "")
    bootargs = ('init="%s" %s' % (init, args.bootargs)).strip()
    cmd = [os.environ.get("QEMU", "qemu-system-riscv64"), "-machine", "virt",
           "-bios", "default", "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-smp", args.cpus, "-m", args.mem,
           "-kernel", os.path.join(ROOT, "build", "kernel.elf"),
           "-append", bootargs]
    # Piped input is held back until Kite has booted: bytes that reach
    # the UART while the firmware sets it up are lost. A terminal is
    # passed straight through (a person types after the boot anyway).
    piped = not sys.stdin.isatty()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, cwd=ROOT,
                            stdin=subprocess.PIPE if piped else None)
    seen_boot = False
    pending = b""
    out = sys.stdout.buffer
    try:
        while True:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            if seen_boot:
                out.write(chunk.replace(b"\r\n", b"\n"))
                out.flush()
                continue
            pending += chunk
            at = pending.find(b"\n" + BOOT_LINE)
            if at >= 0:
                end = pending.find(b"\n", at + 1)
                if end >= 0:
                    seen_boot = True
                    if piped:
                        threading.Thread(target=feed, args=(proc,),
                                         daemon=True).start()
                    rest = pending[end + 1:].replace(b"\r\n", b"\n")
                    out.write(rest)
                    out.flush()
                    pending = b""
        status = proc.wait(timeout=args.timeout or None)
    except subprocess.TimeoutExpired:
        proc.kill()
        sys.stderr.write("run: timed out\n")
        return 124
    except KeyboardInterrupt:
        proc.kill()
        return 130
    if not seen_boot:
        sys.stdout.write(pending.decode("utf-8", "replace"))
    return status


if __name__ == "__main__":
    sys.exit(main())
