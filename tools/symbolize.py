#!/usr/bin/python3
"""tools/symbolize.py - add function names and source lines to Kite backtraces.

Usage:  tools/symbolize.py [--elf build/kernel.elf] < console.txt > out.txt
        qemu ... | tools/symbolize.py --stream      (what `make qemu` does)

Copies its input line by line. A panic backtrace line such as

      #3 0xffffffff80204d8e

gets " func+0xoff (file:line)" appended. Function and offset come from the
kernel's symbol table (build/kernel.sym, written by `make all` as `nm -n`
output, or `nm -n ELF` when that file is missing); file:line comes from
`riscv64-unknown-elf-addr2line` (TOOLPREFIX in the environment changes the
prefix). Consecutive backtrace lines are looked up with one addr2line call.
The kernel already prints the call instruction (return address - 4) for
frames above #0, so addresses are looked up as printed.

Without the ELF file or the tool, the text passes through unchanged.

--stream is for a live console: every byte is passed on as soon as it
comes (a prompt without a newline shows at once); only the end of a line
(its "\r\n" or "\n") waits until the line is known, so that a backtrace
line gets its annotation before its end.

Importable:  symbolize_text(text, elf) -> text
             Symbolizer(elf).feed(line) / .flush() for streaming use.
"""
import argparse
import bisect
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ELF = os.path.join(ROOT, "build", "kernel.elf")

# A bare backtrace line: "  #N 0x<16 hex digits>" and nothing after it.
BT_RE = re.compile(r"^(?P<head>.*#\d+ 0x(?P<addr>[0-9a-fA-F]{16}))\s*$")
SYM_RE = re.compile(r"^([0-9a-fA-F]+) ([tTwW]) (\S+)$")


def tool(name):
    """Path of the cross binutils program `name`, or None."""
    prefix = os.environ.get("TOOLPREFIX", "riscv64-unknown-elf-")
    return shutil.which(prefix + name)


def parse_nm(text):
    """Sorted [(address, name)] of the code symbols in `nm -n` output."""
    syms = []
    for line in text.splitlines():
        m = SYM_RE.match(line.strip())
        if m:
            syms.append((int(m.group(1), 16), m.group(3)))
    syms.sort()
    return syms


def load_symbols(elf):
    """Code symbols of `elf`, from kernel.sym beside it or from nm."""
    sym = os.path.join(os.path.dirname(elf), "kernel.sym")
    try:
        if os.path.getmtime(sym) >= os.path.getmtime(elf):
            with open(sym, encoding="utf-8", errors="replace") as f:
                return parse_nm(f.read())
    except OSError:
        pass
    nm = tool("nm")
    if not nm:
        return []
    try:
        out = subprocess.run([nm, "-n", elf], capture_output=True, input="",
                             text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_nm(out)


def relpath(path):
    """Show source paths inside the repository relative to it."""
    if path.startswith(ROOT + os.sep):
        return path[len(ROOT) + 1:]
    return path


def addr2line(elf, addrs):
    """{address: (function, "file:line")} for `addrs`, in one tool call."""
    exe = tool("addr2line")
    if not exe or not addrs:
        return {}
    args = [exe, "-f", "-e", elf] + ["0x%x" % a for a in addrs]
    try:
        out = subprocess.run(args, capture_output=True, text=True, input="",
                             timeout=30).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return {}
    found = {}
    for i, addr in enumerate(addrs):
        if 2 * i + 1 >= len(out):
            break
        func = out[2 * i].strip()
        where = re.sub(r" \(discriminator \d+\)", "", out[2 * i + 1].strip())
        found[addr] = (func, relpath(where))
    return found


class Symbolizer:
    """Line filter that annotates runs of backtrace lines."""

    def __init__(self, elf=DEFAULT_ELF):
        self.elf = elf
        self.enabled = os.path.isfile(elf) and tool("addr2line") is not None
        self.syms = load_symbols(elf) if self.enabled else []
        self.addrs = [a for a, _ in self.syms]
        self.pending = []

    def function_at(self, addr):
        """"name+0xoff" for the symbol containing addr, or None."""
        i = bisect.bisect_right(self.addrs, addr) - 1
        if i < 0:
            return None
        base, name = self.syms[i]
        return "%s+0x%x" % (name, addr - base)

    def annotate(self, lines):
        """Return backtrace `lines` with symbols appended."""
        addrs = [int(BT_RE.match(l).group("addr"), 16) for l in lines]
        info = addr2line(self.elf, sorted(set(addrs)))
        out = []
        for line, addr in zip(lines, addrs):
            func, where = info.get(addr, ("??", "??:0"))
            name = self.function_at(addr)
            if name is None and func != "??":
                name = func
            extra = ""
            if name:
                extra += " " + name
            if not where.startswith("??"):
                extra += " (%s)" % where
            out.append(BT_RE.match(line).group("head") + extra)
        return out

    def feed(self, line):
        """Take one line (no newline); return the lines ready for output."""
        if self.enabled and BT_RE.match(line):
            self.pending.append(line)
            return []
        return self.flush() + [line]

    def flush(self):
        """Return any held-back backtrace lines, annotated."""
        lines, self.pending = self.pending, []
        return self.annotate(lines) if lines else []


def symbolize_text(text, elf=DEFAULT_ELF):
    """Annotate every backtrace line of `text`; other text is unchanged."""
    s = Symbolizer(elf)
    if not s.enabled or "#" not in text:
        return text
    ends_nl = text.endswith("\n")
    out = []
    for line in text.split("\n")[:-1] if ends_nl else text.split("\n"):
        out.extend(s.feed(line))
    out.extend(s.flush())
    return "\n".join(out) + ("\n" if ends_nl else "")


def stream(sym, fin, fout):
    """Copy fd fin to fd fout byte for byte as it comes, annotating each
    backtrace line just before its line end."""
    line = b""   # the current line so far (written, but for a held "\r")
    cr = False   # a "\r" held back: it may be the start of the line's end
    while True:
        try:
            chunk = os.read(fin, 4096)
        except InterruptedError:
            continue
        if not chunk:
            break
        out = bytearray()
        parts = chunk.split(b"\n")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if cr and part:  # the held "\r" was not before a "\n"
                out += b"\r"
                line += b"\r"
                cr = False
            if part.endswith(b"\r"):
                part, cr = part[:-1], True
            out += part
            line += part
            if last:
                continue
            text = line.decode("utf-8", "replace")
            if sym.enabled and BT_RE.match(text):
                out += sym.annotate([text])[0][len(text):].encode()
            out += b"\r\n" if cr else b"\n"
            line, cr = b"", False
        os.write(fout, bytes(out))
    if cr:
        os.write(fout, b"\r")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--elf", default=DEFAULT_ELF, help="kernel ELF file")
    ap.add_argument("--stream", action="store_true",
                    help="pass bytes on at once (a live console)")
    args = ap.parse_args()
    s = Symbolizer(args.elf)
    if args.stream:
        stream(s, sys.stdin.fileno(), sys.stdout.fileno())
        return 0
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace",
                 newline="")
    for raw in stdin:
        line = raw.rstrip("\n").replace("\r", "")
        for done in s.feed(line):
            sys.stdout.write(done + "\n")
        if not s.pending:
            sys.stdout.flush()
    for done in s.flush():
        sys.stdout.write(done + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(1)
