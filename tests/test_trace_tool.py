#!/usr/bin/python3
"""tests/test_trace_tool.py - unit tests of tools/trace.py, the trace
converter: parsing a console log (noise, carriage returns, the timebase,
lost records), slices from a switch sequence, exec inside a run, wakeup
arrows, CPU shares adding up to 100%, the JSON and the page.

Run by tests/jobs_trace.py (make test) or alone:
    python3 -m unittest tests/test_trace_tool.py
"""
import importlib.util
import json
import os
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    "kite_trace_tool", os.path.join(ROOT, "tools", "trace.py"))
tt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tt)

# Two harts, timebase 1 MHz (1 tick = 1 us). Hart 0: idle until 100,
# then a (pid 2) until 300 (it sleeps), idle until 500, a again to 600.
# Hart 1: b (pid 3) from the start, which wakes a at 450 and is
# preempted at 400 by c (pid 4), which execs "d" at 420; the end is 600.
LOG = """\
OpenSBI noise
Kite 0.1.0: 2 harts, 128 MiB
@TRACE begin timebase=1000000 harts=2 records=12\r
@T h=0 t=100 ev=switch pid=0 tid=0 next=2/2 name=a why=idle
@T h=1 t=110 ev=syscall pid=3 tid=3 nr=64 a0=0x1 a1=0x10 a2=0x5
@T h=0 t=150 ev=fault pid=2 tid=2 addr=0x1000 access=w outcome=zero
@T h=0 t=300 ev=switch pid=2 tid=2 next=0/0 name=idle why=sleep
user output in between
@T h=1 t=400 ev=switch pid=3 tid=3 next=4/4 name=c why=preempt
@T h=1 t=420 ev=exec pid=4 tid=4 name=d
@T h=1 t=450 ev=wakeup pid=4 tid=4 wakee=2/2 on=0
@T h=1 t=460 ev=mark pid=4 tid=4 num=7 text=hello
@T h=1 t=470 ev=lost pid=0 tid=0 n=5
@T h=0 t=500 ev=switch pid=0 tid=0 next=2/2 name=a why=idle
@T h=0 t=600 ev=exit pid=2 tid=2 status=0 last=1
@TRACE end lines=11 lost=5
"""


def model(text=LOG):
    return tt.Model(*tt.parse(text))


class ParseTest(unittest.TestCase):
    def test_records_and_timebase(self):
        timebase, events, lost, harts = tt.parse(LOG)
        self.assertEqual((timebase, harts), (1000000, 2))
        self.assertEqual(len(events), 11)
        self.assertEqual(events[1]["ev"], "syscall")
        self.assertEqual(events[1]["a1"], 0x10)
        self.assertEqual(events[2]["outcome"], "zero")

    def test_lost_records_counted(self):
        _, _, lost, _ = tt.parse(LOG)
        self.assertEqual(lost, {1: 5})
        self.assertEqual(model().chrome_json()["otherData"]["lost"], {"1": 5})

    def test_no_records_is_an_error(self):
        with self.assertRaises(tt.TraceError):
            tt.parse("Kite 0.1.0: 1 harts\nhello\n")

    def test_line_cut_in_the_middle_is_skipped(self):
        _, events, _, _ = tt.parse("@T h=0 t=5 ev=swi\n" + LOG)
        self.assertEqual(len(events), 11)


class SliceTest(unittest.TestCase):
    def slices(self, hart):
        return [(s["start"], s["end"], s["pid"], s["name"], s["why"])
                for s in model().slices if s["hart"] == hart]

    def test_switch_sequence(self):
        self.assertEqual(self.slices(0), [
            (100, 300, 2, "a", "sleep"),
            (300, 500, 0, "idle", "idle"),
            (500, 600, 2, "a", "end")])

    def test_first_thread_runs_from_the_start_and_exec_splits(self):
        self.assertEqual(self.slices(1), [
            (100, 400, 3, "pid 3", "preempt"),
            (400, 420, 4, "c", "exec"),
            (420, 600, 4, "d", "end")])

    def test_slices_tile_every_hart(self):
        m = model()
        for h in m.harts:
            ss = [s for s in m.slices if s["hart"] == h]
            self.assertEqual(ss[0]["start"], m.t0)
            self.assertEqual(ss[-1]["end"], m.t1)
            for a, b in zip(ss, ss[1:]):
                self.assertEqual(a["end"], b["start"])

    def test_wakeup_flow(self):
        m = model()
        self.assertEqual(len(m.flows), 1)
        self.assertEqual(m.flows[0]["from"], (1, 450))
        self.assertEqual(m.flows[0]["to"], (0, 500))

    def test_shares_add_up_to_100(self):
        rows = model().shares()
        self.assertAlmostEqual(sum(r[3] for r in rows), 100.0, places=6)
        by = {r[1]: r[3] for r in rows}
        # the trace spans 100..600 on 2 harts: 1000 hart-us; a ran
        # 200 + 100, idle 200, b 300, c/d 200
        self.assertAlmostEqual(by["a (pid 2)"], 30.0)
        self.assertAlmostEqual(by["idle"], 20.0)
        self.assertAlmostEqual(by["c (pid 4)"] if "c (pid 4)" in by
                               else by["d (pid 4)"], 20.0)

    def test_hart_without_records_gets_a_lane(self):
        m = model(LOG.replace("harts=2", "harts=3"))
        self.assertEqual(m.harts, [0, 1, 2])
        ss = [s for s in m.slices if s["hart"] == 2]
        self.assertEqual([(s["start"], s["end"], s["name"]) for s in ss],
                         [(100, 600, tt.NO_RECORDS)])
        self.assertAlmostEqual(sum(r[3] for r in m.shares()), 100.0)

    def test_instants(self):
        kinds = sorted(i["kind"] for i in model().instants)
        self.assertEqual(kinds, ["exec", "exit", "fault", "mark", "syscall"])


class OutputTest(unittest.TestCase):
    def test_json_and_page(self):
        with tempfile.TemporaryDirectory() as d:
            tt.convert(LOG, d, png=False)
            with open(os.path.join(d, "trace.json")) as f:
                data = json.load(f)
            evs = data["traceEvents"]
            xs = [e for e in evs if e["ph"] == "X"]
            self.assertEqual(len(xs), 6)
            self.assertTrue(all(e["dur"] > 0 for e in xs))
            starts = [e for e in evs if e["ph"] == "s"]
            ends = [e for e in evs if e["ph"] == "f"]
            self.assertEqual([e["id"] for e in starts], [e["id"] for e in ends])
            self.assertEqual(ends[0]["tid"], 0)
            self.assertEqual({e["args"]["name"] for e in evs
                              if e.get("name") == "thread_name"},
                             {"hart 0", "hart 1"})
            with open(os.path.join(d, "trace.html")) as f:
                page = f.read()
            self.assertNotIn("http://", page)
            self.assertNotIn("https://", page)
            self.assertNotIn("<script src", page)
            self.assertIn("a (pid 2)", page)


if __name__ == "__main__":
    unittest.main()
