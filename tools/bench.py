#!/usr/bin/python3
"""tools/bench.py - run Kite's micro-benchmarks and print one table.

Runs the kernel's benchmarks (boot argument "bench") and the user-level
ones (the ubench app as init), each booted twice on one hart:
  1. under -icount shift=0, where rdinstret counts guest instructions
     exactly (QEMU's plain TCG returns the host's time-stamp counter):
     the instructions-per-operation column, deterministic run to run;
  2. plainly, for wall time from rdtime: the ns-per-operation column,
     the median of the kernel's repetitions (noisy; compare only figures
     from the same run).
Prints the table and writes it as JSON to build/bench.json. For the
operations in LINUX the table also shows Linux's instructions per
operation for the same work, as a yardstick.

getpid_traced is getpid with the event trace on (boot argument "trace",
docs/TRACE.md): every call writes a system-call record and a return one.

One row comes from a third boot, on 2 harts and plainly: the futex round
trip between two threads pinned to different harts ("ubench --cross"),
in ns only (an instruction count there would be one hart's, idle loop
included).
"""
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests"))
import qemu_run  # noqa: E402

LINE_RE = re.compile(r"^bench (\S+) iters=(\d+) instret=(\d+) ticks=(\d+)$",
                     re.M)
TIMEBASE_RE = re.compile(r"^bench: timebase=(\d+)", re.M)
IRQOFF_RE = re.compile(
    r"^irqoff hart=(\d+) ns=(\d+) pc=(0x[0-9a-f]+) lock=(\S+)$", re.M)
TIMEOUT = 300


IRQOFF = []  # (hart, ns, pc) from the plain run of ubench

# Linux's instructions per operation for the same user-level work (the
# reference figures the virtual-memory work was given): fork+exit+wait
# with 16 MiB of touched heap and without, fork+execve+wait, a page
# mmap'ed and touched, a page of brk heap grown and touched.
LINUX = {
    "fork_16m_exit_wait": 1684110,
    "fork_exit_wait": 111300,
    "fork_execve_wait": 242791,
    "mmap_touch_page": 9108,
    "brk_grow_touch_page": 7986,
}


def run(bootargs, extra, cpus=1):
    """Boot once; the bench lines and the timebase. Exits 1 unless Kite
    powered off with status 0: a timeout (status None) or a QEMU ended by a
    signal (128+N, tests/qemu_run.py) is a failed run."""
    res = qemu_run.run(cpus, "128M", bootargs, TIMEOUT, qemu_extra=extra)
    if res.status != 0 or "bench: done" not in res.output:
        how = ("timed out after %d s" % TIMEOUT if res.timed_out
               else "status %s" % res.status)
        sys.stderr.write("bench: the kernel run failed (%s)\n%s\n"
                         % (how, "\n".join(res.output.splitlines()[-30:])))
        sys.exit(1)
    tb = TIMEBASE_RE.search(res.output)
    if not extra:
        IRQOFF.extend(IRQOFF_RE.findall(res.output))
    return LINE_RE.findall(res.output), int(tb.group(1)) if tb else 10000000


def symbol(pc):
    """The kernel function holding pc, or pc itself."""
    try:
        sym = qemu_run.symbolize.Symbolizer()
        return sym.function_at(int(pc, 16)) or pc
    except Exception:  # noqa: BLE001 - a name is a nicety
        return pc


def per_op(lines, field):
    """name -> list of per-operation values of field (2 instret, 3 ticks)."""
    out = {}
    for name, iters, instret, ticks in lines:
        value = (int(instret), int(ticks))[field - 2] / int(iters)
        out.setdefault(name, []).append(value)
    return out


def main():
    icount_lines, plain_lines, timebase = [], [], 10000000
    for bootargs in ("bench", 'init="ubench"', 'trace init="ubench --traced"'):
        lines, _ = run(bootargs, ["-icount", "shift=0"])
        icount_lines += lines
        lines, timebase = run(bootargs, [])
        plain_lines += lines
    cross_lines, _ = run('init="ubench --cross"', [], cpus=2)
    plain_lines += cross_lines
    instr = per_op(icount_lines, 2)
    ticks = per_op(plain_lines, 3)
    iters = {name: int(n) for name, n, _, _ in icount_lines + cross_lines}
    rows = []
    for name in list(instr) + [n for n in ticks if n not in instr]:
        rows.append({
            "name": name,
            "iterations": iters[name],
            "instructions_per_op": (round(statistics.median(instr[name]), 1)
                                    if name in instr else None),
            "ns_per_op": round(statistics.median(ticks.get(name, [0]))
                               * 1e9 / timebase, 1),
            "linux_instructions_per_op": LINUX.get(name),
        })
    print("%-28s %10s %14s %12s %14s" % ("operation", "iterations",
                                          "instr/op", "ns/op",
                                          "Linux instr/op"))
    for r in rows:
        linux = r["linux_instructions_per_op"]
        instr_col = ("%14.1f" % r["instructions_per_op"]
                     if r["instructions_per_op"] is not None
                     else "%14s" % "(2 harts)")
        print("%-28s %10d %s %12.1f %14s" % (
            r["name"], r["iterations"], instr_col,
            r["ns_per_op"], "{:,}".format(linux) if linux else ""))
    by_name = {r["name"]: r for r in rows}
    if "cap_query" in by_name and "getpid" in by_name:
        q, g = by_name["cap_query"], by_name["getpid"]
        print("a capability lookup (cap_query - getpid): %.1f instructions, "
              "%.1f ns" % (q["instructions_per_op"] - g["instructions_per_op"],
                           q["ns_per_op"] - g["ns_per_op"]))
    for hart, ns, pc, lock in IRQOFF:
        where = ("releasing spinlock %s" % lock if int(pc, 16) == 0
                 else "in " + symbol(pc))
        print("longest interrupts-off stretch, hart %s: %.1f us (ended %s)"
              % (hart, int(ns) / 1000, where))
    os.makedirs(qemu_run.BUILD, exist_ok=True)
    path = os.path.join(qemu_run.BUILD, "bench.json")
    with open(path, "w") as f:
        json.dump({"harts": "1 (futex_roundtrip_2harts: 2)",
                   "instructions_from": "-icount shift=0",
                   "ns_from": "plain TCG, rdtime, median of repetitions",
                   "ops": rows,
                   "irqoff_max_ns": {h: int(ns) for h, ns, _, _ in IRQOFF}},
                  f, indent=2)
    print("(saved %s)" % os.path.relpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
