#!/usr/bin/python3
"""tools/trace.py - Kite's event trace: from the console log to pictures.

    trace.py run [--cpus N] [--mem M] [--timeout S] [--bootargs ARGS]
                 [--out DIR] [--no-png] -- PROGRAM [ARGS...]
        boot Kite with tracing on (boot argument "trace") and PROGRAM as
        init; keep the console in DIR/trace.log (default build/), then
        convert it as below. Exits with the program's status.
    trace.py convert LOG [--out DIR] [--no-png]
        read a console log holding "@T ..." lines (the kernel's dump at
        power-off, or the shell's `trace dump`) and write DIR/trace.json
        (Chrome trace-event format: Perfetto, chrome://tracing),
        DIR/trace.html (a page of its own: the per-hart timeline with zoom
        and pan, a legend, details on hover, each process's CPU share)
        and DIR/trace.png (matplotlib).

The line format is docs/TRACE.md's (kernel/include/trace/format.h):

    @TRACE begin timebase=10000000 harts=2 records=123
    @T h=1 t=52345678 ev=switch pid=3 tid=3 next=7/7 name=abc why=sleep
    @TRACE end lines=123 lost=0

Model: on each hart a thread runs from the switch that brought it in to
the switch that takes it away; the thread running on a hart before its
first record is the one its first record names, from the start of the
trace. A slice per such stretch (the idle thread's too, so every
moment of every hart belongs to exactly one slice and the shares add up
to 100%); an exec inside a stretch starts a new slice under the new name.
A wakeup is an arrow from the waker (its hart, its time) to the start of
the wakee's next slice.
"""
import argparse
import html
import json
import os
import re
import sys

from trace_page import PAGE  # noqa: E402  (the HTML page's template)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")

LINE_RE = re.compile(r"@T (h=\d+ t=\d+ ev=\w+ .*)$")
BEGIN_RE = re.compile(r"@TRACE begin timebase=(\d+) harts=(\d+)")
KV_RE = re.compile(r"(\w+)=(\S+)")
DEFAULT_TIMEBASE = 10000000

# System call names for the labels (uapi/syscall.h).
SYSCALLS = {
    29: "ioctl", 63: "read", 64: "write", 93: "exit", 94: "exit_group",
    96: "set_tid_address", 98: "futex", 101: "nanosleep",
    113: "clock_gettime", 122: "sched_setaffinity", 124: "sched_yield",
    129: "kill", 130: "tkill", 131: "tgkill", 140: "set_priority",
    153: "times", 160: "uname", 169: "gettimeofday", 172: "getpid",
    173: "getppid", 178: "gettid", 214: "brk", 215: "munmap",
    216: "mremap", 220: "clone", 221: "execve", 222: "mmap",
    226: "mprotect", 233: "madvise", 260: "wait4", 261: "prlimit64",
    400: "spawn", 500: "kite_apps", 501: "kite_procs", 509: "kite_trace",
}

# Colours for processes, in order of first appearance (idle is grey).
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#393b79",
           "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
           "#e6550d", "#31a354", "#756bb1", "#636363", "#fd8d3c"]
IDLE_COLOUR = "#d9d9d9"
NO_RECORDS = "no records"   # a lane's thread when its hart wrote none
NO_RECORDS_COLOUR = "#eeeeee"
INSTANT_KINDS = ("fault", "syscall", "signal", "mark", "fork", "exec",
                 "exit", "wait", "kill", "swapin", "swapout")


class TraceError(Exception):
    """The log holds no trace."""


def parse(text):
    """The records of a console log: (timebase, events, lost, harts)
    where events are dicts (h, t, ev, pid, tid and the line's other keys;
    numbers as ints) in the order of the log, lost the records each hart
    lost ({hart: n}) and harts the number of rings (0 if not said)."""
    timebase, harts = DEFAULT_TIMEBASE, 0
    events, lost = [], {}
    for raw in text.replace("\r", "").split("\n"):
        m = BEGIN_RE.search(raw)
        if m:
            timebase = int(m.group(1)) or DEFAULT_TIMEBASE
            harts = max(harts, int(m.group(2)))
            continue
        m = LINE_RE.search(raw)
        if not m:
            continue
        e = {}
        for k, v in KV_RE.findall(m.group(1)):
            e[k] = _value(v)
        if not all(k in e for k in ("h", "t", "ev", "pid", "tid")):
            continue
        if e["ev"] == "lost":
            lost[e["h"]] = lost.get(e["h"], 0) + e.get("n", 0)
        events.append(e)
    if not events:
        raise TraceError("no trace records (@T lines) in the log")
    return timebase, events, lost, harts


def _value(v):
    """An int for decimal or 0x numbers, else the string."""
    try:
        return int(v, 0) if re.fullmatch(r"-?(0x[0-9a-f]+|\d+)", v) else v
    except ValueError:
        return v


def _who(s):
    """'7/8' -> (7, 8)."""
    pid, tid = str(s).split("/")
    return int(pid), int(tid)


class Model:
    """Slices, instants, flows and shares built from the events."""

    def __init__(self, timebase, events, lost=None, nharts=0):
        self.timebase = timebase
        self.lost = lost or {}
        # per hart, in time order (a hart's records are in order already;
        # the sort is stable)
        self.events = sorted(events, key=lambda e: (e["t"], e["h"]))
        self.t0 = self.events[0]["t"]
        self.t1 = self.events[-1]["t"]
        # a hart with a ring but no record ran one thread all along
        # (with tracing on from boot: its idle thread): harts 0..nharts-1
        self.harts = sorted({e["h"] for e in self.events} | set(range(nharts)))
        self.names = {}        # (pid, tid) -> last known name
        self.proc_names = {}   # pid -> name
        self.slices = []       # dicts: hart, start, end, pid, tid, name, why
        self.instants = []     # dicts: hart, t, kind, label, pid, tid
        self.flows = []        # dicts: id, from (hart, t), to (hart, t)
        self._learn_names()
        self._build()

    def us(self, t):
        """Time-counter ticks since the trace's start, in microseconds."""
        return (t - self.t0) * 1e6 / self.timebase

    def _learn_names(self):
        for e in self.events:
            if e["ev"] in ("switch", "fork") and "name" in e:
                who = _who(e.get("next", e.get("child")))
                if who == (0, 0):
                    continue
                self.names.setdefault(who, e["name"])
                if who[1] == who[0] or who[0] not in self.proc_names:
                    self.proc_names.setdefault(who[0], e["name"])
            elif e["ev"] == "exec":
                self.names.setdefault((e["pid"], e["tid"]), e["name"])

    def _first_name(self, e):
        """The name of the thread a hart's first record names. Kernel
        threads of pid 0 share tid 0 (idle and the kernel's workers): a
        switch away "because idle" names the idle thread."""
        if e["pid"] == 0 and e["tid"] == 0:
            first = next((x for x in self.events if x["h"] == e["h"] and
                          x["ev"] == "switch"), None)
            if first and first["pid"] == 0 and first["tid"] == 0:
                return "idle" if first.get("why") == "idle" else "kernel"
            return "kernel"
        return self.name_of(e["pid"], e["tid"])

    def name_of(self, pid, tid):
        if pid == 0 and tid == 0:
            return "idle"
        if (pid, tid) in self.names:
            return self.names[(pid, tid)]
        return "idle" if pid == 0 and tid == 0 else "pid %d" % pid

    def _build(self):
        running = {}   # hart -> [pid, tid, name, start]
        pending = {}   # (pid, tid, name) -> [flow ids] waiting for its run
        flow_id = 0
        for e in self.events:
            h, t, ev = e["h"], e["t"], e["ev"]
            if h not in running:
                running[h] = [e["pid"], e["tid"], self._first_name(e), self.t0]
            cur = running[h]
            if ev == "switch":
                pid, tid = _who(e["next"])
                self._close(h, cur, t, e.get("why", "?"))
                running[h] = [pid, tid, e.get("name", self.name_of(pid, tid)), t]
                if pid or tid:
                    self.names[(pid, tid)] = running[h][2]
                key = (pid, tid, running[h][2] if pid == 0 else "")
                for fid in pending.pop(key, []):
                    self.flows[fid]["to"] = (h, t)
            elif ev == "exec":
                self._close(h, cur, t, "exec")
                running[h] = [cur[0], cur[1], e["name"], t]
                self.names[(cur[0], cur[1])] = e["name"]
                self.proc_names[cur[0]] = e["name"]
            elif ev == "wakeup":
                pid, tid = _who(e["wakee"])
                key = (pid, tid, self.name_of(pid, tid) if pid == 0 else "")
                self.flows.append({"id": flow_id, "from": (h, t), "to": None,
                                   "waker": (e["pid"], e["tid"]),
                                   "wakee": (pid, tid)})
                pending.setdefault(key, []).append(flow_id)
                flow_id += 1
            if ev in INSTANT_KINDS:
                self.instants.append({"hart": h, "t": t, "kind": ev,
                                      "label": self._label(e),
                                      "pid": e["pid"], "tid": e["tid"]})
        for h in self.harts:
            if h not in running:
                running[h] = [0, 0, NO_RECORDS, self.t0]
        for h, cur in running.items():
            self._close(h, cur, self.t1, "end")
        # a wakee that never ran again in the trace has no arrow
        self.flows = [f for f in self.flows if f["to"] is not None]
        self.slices.sort(key=lambda s: (s["hart"], s["start"]))

    def _close(self, h, cur, t, why):
        pid, tid, name, start = cur
        if t > start:
            self.slices.append({"hart": h, "start": start, "end": t,
                                "pid": pid, "tid": tid, "name": name,
                                "why": why})

    def _label(self, e):
        ev = e["ev"]
        if ev == "syscall":
            return "%s(0x%x, 0x%x, 0x%x)" % (
                SYSCALLS.get(e["nr"], "syscall %d" % e["nr"]),
                e["a0"], e["a1"], e["a2"])
        if ev == "fault":
            return "fault 0x%x %s: %s" % (e["addr"], e["access"],
                                          e["outcome"])
        if ev == "mark":
            return "mark %s %d" % (e["text"], e["num"])
        if ev == "fork":
            return "%s: %s %s" % (e["how"], e["child"], e["name"])
        if ev == "exec":
            return "exec %s" % e["name"]
        if ev == "exit":
            return "exit status %d%s" % (e["status"],
                                         " (last thread)" if e["last"] else "")
        if ev == "wait":
            return "wait: reaped %d status %d" % (e["child"], e["status"])
        if ev == "kill":
            return "kill %d sig %d by %s" % (
                e["target"], e["sig"],
                e.get("by") and "pid %d" % e["by"] or "an interrupt")
        if ev == "signal":
            return "signal %d handler 0x%x from %d" % (e["sig"], e["handler"],
                                                       e["from"])
        if ev == "swapin":
            return "swap in slot %d" % e["slot"]
        if ev == "swapout":
            return "swap out 0x%x slot %d" % (e["addr"], e["slot"])
        return ev

    # ---- summaries -------------------------------------------------------

    def process_key(self, s):
        """The group a slice counts for: its pid, or the kernel thread's
        name for pid 0 (idle and the kernel's workers)."""
        return s["pid"] if s["pid"] != 0 else "0:" + s["name"]

    def process_label(self, key):
        if isinstance(key, str):
            return key[2:]
        return "%s (pid %d)" % (self.proc_names.get(key, "?"), key)

    def colours(self):
        """key -> colour, in order of first appearance; idle grey."""
        out, i = {}, 0
        for s in sorted(self.slices, key=lambda s: s["start"]):
            k = self.process_key(s)
            if k in out:
                continue
            if k == "0:idle":
                out[k] = IDLE_COLOUR
            elif k == "0:" + NO_RECORDS:
                out[k] = NO_RECORDS_COLOUR
            else:
                out[k] = PALETTE[i % len(PALETTE)]
                i += 1
        return out

    def shares(self):
        """[(key, label, ticks, percent)] over every hart's whole span,
        most first: they add up to 100."""
        total = sum(s["end"] - s["start"] for s in self.slices)
        by = {}
        for s in self.slices:
            k = self.process_key(s)
            by[k] = by.get(k, 0) + s["end"] - s["start"]
        rows = [(k, self.process_label(k), v, 100.0 * v / total if total else 0)
                for k, v in by.items()]
        return sorted(rows, key=lambda r: -r[2])

    def thread_ticks(self):
        """(pid, tid) -> ticks of time counter it ran, idle left out."""
        out = {}
        for s in self.slices:
            if s["pid"] == 0 and s["name"] == "idle":
                continue
            k = (s["pid"], s["tid"])
            out[k] = out.get(k, 0) + s["end"] - s["start"]
        return out

    # ---- outputs -----------------------------------------------------------

    def chrome_json(self):
        """The Chrome trace-event format: one process ("Kite"), a track
        (tid) per hart."""
        ev = [{"ph": "M", "name": "process_name", "pid": 0,
               "args": {"name": "Kite"}}]
        for h in self.harts:
            ev.append({"ph": "M", "name": "thread_name", "pid": 0, "tid": h,
                       "args": {"name": "hart %d" % h}})
            ev.append({"ph": "M", "name": "thread_sort_index", "pid": 0,
                       "tid": h, "args": {"sort_index": h}})
        for s in self.slices:
            ev.append({"ph": "X", "cat": "run", "pid": 0, "tid": s["hart"],
                       "name": "%s %d/%d" % (s["name"], s["pid"], s["tid"]),
                       "ts": round(self.us(s["start"]), 3),
                       "dur": round(self.us(s["end"]) - self.us(s["start"]), 3),
                       "args": {"pid": s["pid"], "tid": s["tid"],
                                "ended": s["why"]}})
        for i in self.instants:
            ev.append({"ph": "i", "s": "t", "cat": i["kind"], "pid": 0,
                       "tid": i["hart"], "name": i["label"],
                       "ts": round(self.us(i["t"]), 3),
                       "args": {"pid": i["pid"], "tid": i["tid"]}})
        for f in self.flows:
            (h1, t1), (h2, t2) = f["from"], f["to"]
            common = {"cat": "wakeup", "name": "wakeup", "pid": 0,
                      "id": f["id"]}
            ev.append(dict(common, ph="s", tid=h1, ts=round(self.us(t1), 3)))
            ev.append(dict(common, ph="f", bp="e", tid=h2,
                           ts=round(self.us(t2), 3)))
        return {"traceEvents": ev, "displayTimeUnit": "ms",
                "otherData": {"timebase": self.timebase,
                              "lost": {str(k): v for k, v in self.lost.items()}}}

    def page_data(self):
        """What the HTML page draws (times in microseconds)."""
        col = self.colours()
        keys = list(col)
        return {
            "harts": self.harts,
            "span": round(self.us(self.t1), 3),
            "procs": [{"key": str(k), "label": self.process_label(k),
                       "colour": col[k]} for k in keys],
            "slices": [[s["hart"], round(self.us(s["start"]), 3),
                        round(self.us(s["end"]), 3),
                        keys.index(self.process_key(s)), s["pid"], s["tid"],
                        s["name"], s["why"]] for s in self.slices],
            "instants": [[i["hart"], round(self.us(i["t"]), 3), i["kind"],
                          i["label"]] for i in self.instants],
            "flows": [[f["from"][0], round(self.us(f["from"][1]), 3),
                       f["to"][0], round(self.us(f["to"][1]), 3)]
                      for f in self.flows],
            "lost": sum(self.lost.values()),
        }


def write_json(model, path):
    with open(path, "w") as f:
        json.dump(model.chrome_json(), f)


def write_html(model, path):
    data = json.dumps(model.page_data()).replace("</", "<\\/")
    rows = "\n".join(
        "<tr><td><span class=sw style='background:%s'></span>%s</td>"
        "<td>%.3f</td><td>%.1f%%</td></tr>" % (
            model.colours()[k], html.escape(label),
            ticks * 1e3 / model.timebase, pct)
        for k, label, ticks, pct in model.shares())
    page = PAGE.replace("@DATA@", data).replace("@ROWS@", rows).replace(
        "@SPAN@", "%.3f" % (model.us(model.t1) / 1e3)).replace(
        "@HARTS@", str(len(model.harts))).replace(
        "@LOST@", str(sum(model.lost.values())))
    with open(path, "w") as f:
        f.write(page)


def write_png(model, path):
    """The timeline with matplotlib (Agg: no display needed). Returns
    False (and says why) if matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch
    except ImportError:
        sys.stderr.write("trace: no matplotlib (Debian python3-matplotlib): "
                         "no %s\n" % path)
        return False
    col = model.colours()
    fig, ax = plt.subplots(figsize=(12, 1.2 + 0.6 * len(model.harts)))
    for row, h in enumerate(model.harts):
        bars = [(model.us(s["start"]) / 1e3,
                 (model.us(s["end"]) - model.us(s["start"])) / 1e3,
                 col[model.process_key(s)])
                for s in model.slices if s["hart"] == h]
        ax.broken_barh([(b[0], b[1]) for b in bars], (row - 0.4, 0.8),
                       facecolors=[b[2] for b in bars])
    ax.set_yticks(range(len(model.harts)))
    ax.set_yticklabels(["hart %d" % h for h in model.harts])
    ax.invert_yaxis()
    ax.set_xlabel("ms since the trace began")
    ax.set_xlim(0, model.us(model.t1) / 1e3)
    handles = [Patch(color=col[k], label=label)
               for k, label, _, pct in model.shares()[:12]]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1),
              fontsize="small")
    ax.set_title("Kite: what ran on each hart")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def convert(text, out_dir, png=True):
    """Write trace.json, trace.html (and trace.png) from a console log;
    returns the Model."""
    model = Model(*parse(text))
    os.makedirs(out_dir, exist_ok=True)
    write_json(model, os.path.join(out_dir, "trace.json"))
    write_html(model, os.path.join(out_dir, "trace.html"))
    if png:
        write_png(model, os.path.join(out_dir, "trace.png"))
    return model


def summary(model):
    slices = sum(1 for s in model.slices if s["name"] != "idle")
    return ("trace: %d harts, %.3f ms, %d runs, %d instants, %d wakeup "
            "arrows, %d records lost" % (
                len(model.harts), model.us(model.t1) / 1e3, slices,
                len(model.instants), len(model.flows),
                sum(model.lost.values())))


def cmd_convert(args):
    with open(args.log, errors="replace") as f:
        text = f.read()
    try:
        model = convert(text, args.out, not args.no_png)
    except TraceError as e:
        sys.stderr.write("trace: %s: %s\n" % (args.log, e))
        return 1
    print(summary(model))
    print("trace: wrote %s" % ", ".join(
        os.path.relpath(os.path.join(args.out, "trace." + x))
        for x in ("json", "html", "png")
        if os.path.exists(os.path.join(args.out, "trace." + x))))
    return 0


RUN_RING_RECORDS = 1 << 16  # per hart for `trace.py run` (3 MiB of 48 B)


def cmd_run(args):
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import qemu_run
    prog = " ".join(args.program).replace('"', "")
    # a bigger ring than the kernel's default: a run's every system call
    # is a record or two, and make trace wants the whole run
    ring = "" if re.search(r"(^|\s)trace=", args.bootargs) else \
        "=%d" % RUN_RING_RECORDS
    bootargs = ('trace%s init="%s" %s' % (ring, prog, args.bootargs)).strip()
    res = qemu_run.run(args.cpus, args.mem, bootargs, args.timeout)
    os.makedirs(args.out, exist_ok=True)
    log = os.path.join(args.out, "trace.log")
    with open(log, "w") as f:
        f.write(res.output)
    # the program's own output: the console between the boot line and
    # the dump, less the trace lines
    booted = False
    for line in res.output.split("\n"):
        if not booted:
            booted = line.startswith("Kite ")
            continue
        if not line.startswith("@T") and not line.startswith("@TRACE"):
            print(line)
    if res.timed_out:
        sys.stderr.write("trace: timed out after %g s (the log so far: %s)\n"
                         % (args.timeout, os.path.relpath(log)))
    args.log = log
    rc = cmd_convert(args)
    if res.timed_out:
        return 124
    if rc:
        return rc
    return res.status if isinstance(res.status, int) else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="boot with tracing on, then convert")
    r.add_argument("--cpus", type=int, default=2)
    r.add_argument("--mem", default="128M")
    r.add_argument("--timeout", type=float, default=300)
    r.add_argument("--bootargs", default="")
    r.add_argument("program", nargs=argparse.REMAINDER)
    c = sub.add_parser("convert", help="console log -> json, html, png")
    c.add_argument("log")
    for p in (r, c):
        p.add_argument("--out", default=BUILD, help="directory (build/)")
        p.add_argument("--no-png", action="store_true")
    args = ap.parse_args(argv)
    if args.cmd == "run":
        if args.program and args.program[0] == "--":
            args.program = args.program[1:]
        if not args.program:
            ap.error("name a program, e.g. trace.py run -- tracedemo")
        return cmd_run(args)
    return cmd_convert(args)



if __name__ == "__main__":
    sys.exit(main())
