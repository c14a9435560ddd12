#!/usr/bin/python3
"""tools/soak.py - run Kite's stress and fault-injection tests for minutes.

    soak.py [--minutes M] [--cpus N] [--seed S]

`make soak` (SOAK_MINUTES=M) runs this: round after round, each with new
seeds, until the time is up or a run fails. A round is

  - the system-call fuzzer: 200,000 calls by 4 processes that fork as they
    go (user/apps/fuzz/);
  - vmtests (virtual memory: copy-on-write, demand paging, stacks, mmap,
    OOM) and swaptests (swapping under usermem=8M, a random policy);
  - the fuzzer, usertests, rtests and vmtests with allocations failing at
    random (boot argument failalloc=N,SEED, N drawn from 20..500);
  - the stress tests of user/apps/stress/ (ps while processes come and go,
    kill storms, the stall watchdog), when that app is embedded;
  - the in-kernel tests.

Every run is one boot under tests/qemu_run.py with a timeout. A run fails
if the kernel panics, hangs, or the program says it failed (usertests,
rtests and vmtests may fail tests for want of memory under failalloc: then only a
panic, a hang or frames not coming back count). The first failure stops
the soak and prints the console tail; the exit status is 0 only if every
run passed. `make test` runs a short version of each of these.
"""
import argparse
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests"))
import qemu_run  # noqa: E402

RUN_TIMEOUT = 300
# the stall test measures wakeups in guest time: one hart under -icount,
# as in make test, so the host's load does not count
ICOUNT = ["-icount", "shift=1,sleep=off"]
PANIC_RE = re.compile(r"^panic: .*$", re.M)
FRAMES_RE = re.compile(r"^(ok|FAIL) frames\b.*$", re.M)


def embedded_apps():
    """Names of the apps in the built kernel's table (build/apps.S)."""
    path = os.path.join(qemu_run.BUILD, "apps.S")
    try:
        with open(path) as f:
            return set(re.findall(r'\.asciz "([^"]+)"', f.read()))
    except OSError:
        return set()


def judge(kind, res):
    """'' if the run passed, else why not."""
    panic = PANIC_RE.search(res.output)
    if panic:
        return panic.group(0)
    if res.timed_out:
        return "timed out after %.0f s" % res.seconds
    if kind == "tolerant":      # tests may fail for want of memory
        frames = FRAMES_RE.search(res.output)
        if not frames or frames.group(1) != "ok":
            return frames.group(0) if frames else "no frames line"
        return "" if res.status in (0, 1) else "exit status %s" % res.status
    return "" if res.status == 0 else "exit status %s" % res.status


def round_runs(rng, cpus, apps):
    """(name, harts, bootargs, extra QEMU arguments, kind) for a round."""
    s = rng.randrange(1, 1 << 30)
    n = rng.randrange(20, 500)
    policy = rng.choice(("clock", "fifo"))
    runs = [("fuzz seed=%d" % s, cpus, 'init="fuzz 200000 %d 4"' % s, [],
             "strict"),
            ("failalloc=%d fuzz seed=%d" % (n, s), cpus,
             'init="fuzz 50000 %d 4 failalloc" failalloc=%d,%d' % (s, n, s),
             [], "strict"),
            ("vmtests", cpus, 'init="vmtests --harts=%d"' % cpus, [],
             "strict"),
            ("swaptests %s" % policy, cpus,
             'init="swaptests --harts=%d" usermem=8M swap=%s' % (cpus, policy),
             [], "strict")]
    for prog in ("usertests", "rtests", "vmtests"):
        runs.append(("failalloc=%d %s seed=%d" % (n, prog, s), cpus,
                     'init="%s --harts=%d" failalloc=%d,%d'
                     % (prog, cpus, n, s), [], "tolerant"))
    if "stress" in apps:
        runs += [("stress ps", cpus, 'init="stress ps 60"', [], "strict"),
                 ("stress kill seed=%d" % s, cpus,
                  'init="stress kill 1000 %d"' % s, [], "strict"),
                 ("stress kill seed=%d, 1 hart" % s, 1,
                  'init="stress kill 1000 %d"' % s, [], "strict"),
                 ("stress stall", 1, 'init="stress stall 30"', ICOUNT,
                  "strict")]
    runs.append(("ktest", cpus, "ktest", [], "strict"))
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--cpus", type=int, default=4)
    ap.add_argument("--seed", type=int, default=None,
                    help="seed for the seeds (default: from the clock)")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    apps = embedded_apps()
    end = time.monotonic() + args.minutes * 60
    done = 0
    print("soak: %g minutes on %d harts, seed %d%s" % (
        args.minutes, args.cpus, seed,
        "" if "stress" in apps else " (stress app not embedded)"))
    sys.stdout.flush()
    while time.monotonic() < end:
        for name, harts, bootargs, extra, kind in round_runs(rng, args.cpus,
                                                            apps):
            if time.monotonic() >= end:
                break
            res = qemu_run.run(harts, "128M", bootargs, RUN_TIMEOUT,
                               qemu_extra=extra)
            why = judge(kind, res)
            done += 1
            print("%s %s (%.0f s)%s" % ("ok" if not why else "FAIL", name,
                                         res.seconds,
                                         ": " + why if why else ""))
            sys.stdout.flush()
            if why:
                for line in res.tail():
                    print("    " + line)
                print("soak: failed after %d runs (seed %d)" % (done, seed))
                return 1
    print("soak: %d runs, all passed (seed %d)" % (done, seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
