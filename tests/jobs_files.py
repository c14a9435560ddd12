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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jobs_user import usertests_job  # noqa: E402


def jobs():
    """(name, function, args) of every job here, for run.py: fdtests is
    run and judged as usertests is (jobs_user.py)."""
    return [("fdtests[cpus=%d]" % n, usertests_job, (n, "fdtests"))
            for n in (1, 4)]
