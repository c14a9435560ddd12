#!/usr/bin/python3
"""tests/run.py's jobs for descriptors, pipes and poll (docs/FILES.md).

  fdtests[cpus=N]   user/apps/fdtests/ as init, like usertests: the
                    descriptor table (close, dup, dup3, fcntl,
                    close_range, RLIMIT_NOFILE), pipes (EOF, EPIPE and
                    SIGPIPE, O_NONBLOCK, atomic writes from writers on
                    every hart, kills and signals ending blocked calls),
                    descriptors across fork, spawn, execve, threads and
                    CLONE_FILES, poll and ppoll; each "ok NAME" or
                    "FAIL NAME" line a check, and every frame back
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402
from checks import Check, qemu_outcome, why_run_failed  # noqa: E402
from jobs_user import USERTESTS_RE, USERTESTS_TIMEOUT  # noqa: E402

FDTESTS_SUM_RE = re.compile(r"^fdtests: (\d+) passed, (\d+) failed$", re.M)


def fdtests_job(cpus):
    """init="fdtests --harts=N": a check per ok/FAIL line, one for the
    summary (which needs the frames check to pass)."""
    name = "fdtests[cpus=%d]" % cpus
    res = qemu_run.run(cpus, "128M", 'init="fdtests --harts=%d"' % cpus,
                       USERTESTS_TIMEOUT)
    checks = [Check("%s/%s" % (name, m.group(2)), m.group(1) == "ok",
                    m.group(4) or "", m.group(3) or "")
              for m in USERTESTS_RE.finditer(res.output)]
    summary = FDTESTS_SUM_RE.search(res.output)
    if res.status == 0 and summary and summary.group(2) == "0":
        checks.append(Check(name, True, note="%s passed, %.1f s"
                            % (summary.group(1), res.seconds)))
    else:
        checks.append(Check(name, False, (summary.group(0) if summary else
                                          why_run_failed(res) +
                                          "; no summary") +
                            "; exit status %s" % res.status))
    return qemu_outcome(checks, res)


def jobs():
    """(name, function, args) of every job here, for run.py."""
    return [("fdtests[cpus=%d]" % n, fdtests_job, (n,)) for n in (1, 4)]
