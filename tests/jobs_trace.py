#!/usr/bin/python3
"""tests/jobs_trace.py - tests/run.py's jobs for the event trace
(docs/TRACE.md):

  trace/tool/X      tests/test_trace_tool.py: the converter's unit tests
                    (parsing, lost records, slices from a switch
                    sequence, wakeup arrows, shares adding up to 100%,
                    the JSON and the page), one check per test
  trace/run[cpus=2] tracedemo booted with tracing on, on 2 harts, under
                    -icount (guest time from instructions: ticks land on
                    time however loaded the host is): exit status 0; the
                    trace has switches on both harts, a fork, an exec, an
                    exit, a wait, system calls and returns, a fault, a
                    wakeup arrow and the user marks; on every hart the
                    slices tile the run (no overlap, no gap: they add up
                    to its length); each spinner's slices agree with the
                    ticks the kernel charged it (times()) within a tick;
                    trace.json, trace.html and trace.png are written
  trace/page[chromium]  (in the same job) that run's trace.html in headless Chromium: no
                    error, a lane per hart, slices drawn (the DOM after
                    its script ran), and a screenshot whose canvas shows
                    the busiest process's colour and idle's; skipped with
                    a note (never passed silently) when Chromium is absent
  trace/shell       the shell's trace built-in with log=trace: on, an
                    app, a mark, dump (records between @TRACE lines, the
                    mark among them), off, status, clear; the log lines
                    for fork, exec, exit and kill ("pid 9 killed by pid
                    2 (sh) with signal 9")
"""
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from checks import Check, Outcome, qemu_outcome, why_run_failed  # noqa: E402
from jobs_user import ICOUNT, run_held  # noqa: E402
import test_trace_tool  # noqa: E402

tt = test_trace_tool.tt
RUN_TIMEOUT = 240
CHROMIUM_TIMEOUT = 120
TICKS_RE = re.compile(r"^tracedemo: pid (\d+) ran (\d+) ticks$", re.M)
HZ = 100  # kernel/include/kernel/param.h HZ_DEFAULT


def tool_job():
    """The converter's unit tests, one check each."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(test_trace_tool)
    checks = []

    class Collect(unittest.TestResult):
        def addSuccess(self, test):
            checks.append(Check("trace/tool/" + test.id().split(".", 1)[1],
                                True))

        def addFailure(self, test, err):
            checks.append(Check("trace/tool/" + test.id().split(".", 1)[1],
                                False, self._exc_info_to_string(err, test)
                                .strip().split("\n")[-1]))

        addError = addFailure

    suite.run(Collect())
    if not checks:
        checks.append(Check("trace/tool", False, "no tests ran"))
    return Outcome(checks)


def check_tiles(model):
    """'' if on every hart the slices tile [t0, t1], else what is wrong."""
    for h in model.harts:
        ss = [s for s in model.slices if s["hart"] == h]
        if not ss:
            return "hart %d has no slices" % h
        if ss[0]["start"] != model.t0 or ss[-1]["end"] != model.t1:
            return "hart %d's slices span %d..%d, the run %d..%d" % (
                h, ss[0]["start"], ss[-1]["end"], model.t0, model.t1)
        for a, b in zip(ss, ss[1:]):
            if a["end"] != b["start"]:
                return "hart %d: %s ends at %d, %s starts at %d" % (
                    h, a["name"], a["end"], b["name"], b["start"])
        total = sum(s["end"] - s["start"] for s in ss)
        if total != model.t1 - model.t0:
            return "hart %d: slices add up to %d of %d" % (
                h, total, model.t1 - model.t0)
    return ""


def check_ticks(model, output):
    """'' if every tracedemo spinner's slices match its charged ticks
    within one."""
    reports = TICKS_RE.findall(output)
    if len(reports) < 2:
        return "%d 'tracedemo: pid N ran T ticks' lines" % len(reports)
    ran = model.thread_ticks()
    for pid, ticks in reports:
        mine = sum(v for (p, _), v in ran.items() if p == int(pid))
        traced = mine * HZ / model.timebase
        if abs(traced - int(ticks)) > 1:
            return ("pid %s: charged %s ticks, ran %.2f ticks' worth in "
                    "the trace" % (pid, ticks, traced))
    return ""


def run_job():
    name = "trace/run[cpus=2]"
    res = qemu_run.run(2, "128M", 'trace init="tracedemo 100"', RUN_TIMEOUT,
                       qemu_extra=ICOUNT)
    checks = []
    if res.status != 0:
        return qemu_outcome([Check(name, False, why_run_failed(res))], res)
    out = tempfile.mkdtemp(prefix="kite-trace-")
    try:
        model = tt.convert(res.output, out)
    except tt.TraceError as e:
        return qemu_outcome([Check(name, False, str(e))], res)
    _, events, _, _ = tt.parse(res.output)
    kinds = {e["ev"] for e in events}
    want = {"switch", "fork", "exec", "exit", "wait", "syscall", "sysret",
            "fault", "wakeup", "mark"}
    switch_harts = {e["h"] for e in events if e["ev"] == "switch"}
    marks = {e["text"] for e in events if e["ev"] == "mark"}
    bad = ""
    if want - kinds:
        bad = "no %s events" % ", ".join(sorted(want - kinds))
    elif switch_harts != {0, 1}:
        bad = "switches on harts %s, not on both" % sorted(switch_harts)
    elif not {"start", "worker", "end"} <= marks:
        bad = "marks %s" % sorted(marks)
    elif not model.flows:
        bad = "no wakeup arrow (a wakee never ran again?)"
    checks.append(Check(name + "/events", not bad, bad))
    bad = check_tiles(model)
    checks.append(Check(name + "/slices_tile_harts", not bad, bad))
    bad = check_ticks(model, res.output)
    checks.append(Check(name + "/slices_match_ticks", not bad, bad))
    shares = sum(r[3] for r in model.shares())
    checks.append(Check(name + "/shares_100", abs(shares - 100) < 1e-6,
                        "shares add up to %.6f" % shares))
    missing = [x for x in ("json", "html", "png")
               if not os.path.getsize(os.path.join(out, "trace." + x))]
    checks.append(Check(name + "/files", not missing,
                        "empty: %s" % missing))
    checks += page_checks(model, out)
    shutil.rmtree(out, ignore_errors=True)
    return qemu_outcome(checks, res)


def chromium():
    for exe in ("chromium", "chromium-browser"):
        path = shutil.which(exe)
        if path:
            return path
    return None


def colour_pixels(png, colours):
    """How many pixels of the screenshot have each colour ('#rrggbb')."""
    from PIL import Image
    img = Image.open(png).convert("RGB")
    counts = {}
    for count, rgb in img.getcolors(maxcolors=1 << 24):
        counts[rgb] = count
    return {c: counts.get(tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)), 0)
            for c in colours}


def page_checks(model, out):
    """The page of the traced run in headless Chromium."""
    name = "trace/page[chromium]"
    exe = chromium()
    if not exe:
        return [Check(name, True, note="SKIPPED: Chromium is not "
                      "installed (Debian chromium; make deps)")]
    url = "file://" + os.path.join(out, "trace.html")
    profile = tempfile.mkdtemp(prefix="kite-chromium-")
    base = [exe, "--headless", "--disable-gpu", "--no-sandbox",
            "--user-data-dir=" + profile, "--enable-logging=stderr",
            "--v=0"]
    status, dom, err, timed_out = run_held(base + ["--dump-dom", url],
                                           CHROMIUM_TIMEOUT)
    checks = []
    body = re.search(r"<body([^>]*)>", dom or "")
    attrs = dict(re.findall(r'data-([\w-]+)="([^"]*)"', body.group(1))) \
        if body else {}
    console_errors = [ln for ln in (err or "").split("\n")
                      if "CONSOLE" in ln and ("Uncaught" in ln or
                                              "Error" in ln)]
    if timed_out or status != 0 or not body:
        bad = "chromium --dump-dom: status %s%s: %s" % (
            status, " (timed out)" if timed_out else "",
            (err or "").strip().split("\n")[-1][:200])
    elif attrs.get("errors") or console_errors:
        bad = "script errors: %s" % (attrs.get("errors") or
                                     console_errors[0][:200])
    elif attrs.get("lanes") != str(len(model.harts)):
        bad = "%s lanes drawn, %d harts" % (attrs.get("lanes"),
                                           len(model.harts))
    elif int(attrs.get("slices-drawn", "0")) < len(model.harts):
        bad = "%s slices drawn" % attrs.get("slices-drawn")
    else:
        bad = ""
    checks.append(Check(name + "/dom", not bad, bad))
    shot = os.path.join(out, "shot.png")
    status, _, err, timed_out = run_held(
        base + ["--screenshot=" + shot, "--window-size=1400,700", url],
        CHROMIUM_TIMEOUT)
    colours = model.colours()
    busiest = next(k for k, _, _, _ in model.shares() if k != "0:idle")
    want = [colours[busiest], tt.IDLE_COLOUR]
    if timed_out or not os.path.exists(shot):
        bad = "no screenshot (status %s)" % status
    else:
        seen = colour_pixels(shot, want)
        # a legend or table swatch is 12x12 pixels; a lane is far more
        bad = ", ".join("%s: %d pixels" % (c, n)
                        for c, n in seen.items() if n < 1000)
        bad = ("the lanes' colours are missing (%s)" % bad) if bad else ""
    checks.append(Check(name + "/screenshot", not bad, bad))
    shutil.rmtree(profile, ignore_errors=True)
    return checks


SHELL_TIMEOUT = 60   # per step
PROMPT = "kite$ "
P = re.escape(PROMPT)


def shell_job():
    """The trace built-in, typed into the shell (booted with log=trace)."""
    with qemu_run.qemu_disk.private_disk() as disk:
        return _shell_job(disk)


def _shell_job(disk):
    import io
    import signal
    import pexpect
    name = "trace/shell"
    cmd = qemu_run.qemu_cmd(2, "128M", "log=trace", extra=disk)
    log = io.StringIO()
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=qemu_run.ROOT, echo=False,
                          encoding="utf-8", codec_errors="replace")
    child.logfile_read = log
    bad, step = "", "boot"
    try:
        child.expect_exact(PROMPT, timeout=SHELL_TIMEOUT)
        for step, send, expect in [
                ("on", "trace on\n", P),
                ("app", "echoargs one two\n", P),
                ("mark", "trace mark hello 42\n", P),
                ("dump", "trace dump\n", "@TRACE end lines=\\d+ lost=\\d+"),
                ("off", "trace off\n", P),
                ("status", "trace status\n", "trace: off, \\d+ rings"),
                ("clear", "trace clear\n", P),
                ("cleared", "trace status\n", "trace: off, 0 rings"),
                ("bad", "trace sideways\n", "usage: trace on"),
                ("spin", "spin &\n", "\\[\\d+\\] (\\d+)")]:
            child.send(send)
            child.expect(expect, timeout=SHELL_TIMEOUT)
        spin = child.match.group(1)
        step = "kill"
        child.expect_exact(PROMPT, timeout=SHELL_TIMEOUT)
        child.send("kill -9 %s\n" % spin)
        child.expect(r"pid %s killed by pid \d+ \(sh\) with signal 9" % spin,
                     timeout=SHELL_TIMEOUT)
        child.expect(r"pid %s \(spin\) ended by signal 9" % spin,
                     timeout=SHELL_TIMEOUT)
    except pexpect.TIMEOUT:
        bad = "timed out at step %s" % step
    except pexpect.EOF:
        bad = "QEMU exited at step %s" % step
    finally:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except OSError:
            pass
        child.close(force=True)
    text = log.getvalue().replace("\r", "")
    checks = [Check(name + "/session", not bad, bad)]
    dump = text[text.find("@TRACE begin"):text.find("@TRACE end")]
    bad = ""
    if not re.search(r"^@T h=\d+ t=\d+ ev=mark pid=\d+ tid=\d+ num=42 "
                     r"text=hello$", dump, re.M):
        bad = "no mark line for 'trace mark hello 42' in the dump"
    elif not re.search(r"ev=exec .*name=echoargs|ev=fork .*name=echoargs "
                       r"how=spawn", dump):
        bad = "no spawn of echoargs in the dump"
    checks.append(Check(name + "/dump", not bad, bad))
    bad = ""
    for pat in (r"pid \d+ \(sh\) spawned pid \d+ \(echoargs\)",
                r"pid \d+ \(echoargs\) exited with status 3"):
        if not re.search(pat, text):
            bad = "no line like %r" % pat
            break
    checks.append(Check(name + "/log_lines", not bad, bad))
    failed = any(not c.ok for c in checks)
    return Outcome(checks, text.rstrip("\n").split("\n")[-40:]
                   if failed else None)


def trace_jobs():
    """(name, function, args) for tests/run.py."""
    return [("trace/tool", tool_job, ()),
            ("trace/run[cpus=2]", run_job, ()),
            ("trace/shell", shell_job, ())]
