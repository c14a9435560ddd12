"""tools/qemu_exit.py - turn how QEMU ended into an exit status.

Shared by tools/run.py and tests/qemu_run.py. A QEMU killed by signal N
must count as a failure, 128+N as a shell reports it, and never as 0. Two
ways QEMU can end on a signal:

  - it did not catch the signal (SIGKILL, or one sent before QEMU set up
    its handlers): Popen.returncode is -N;
  - it caught SIGTERM, SIGINT or SIGHUP: QEMU then shuts down cleanly and
    exits with status 0, having written "PROG: terminating on signal N
    from pid P (NAME)" (or "PROG: terminated by signal N") on stderr.
    That line is the only sign of the signal, so it is looked for in
    QEMU's stderr.

Kite itself ends QEMU with the status of its power-off (0 after a clean
power-off, the init program's status, 3 after a panic).
"""
import re

TIMEOUT_STATUS = 124    # as timeout(1): the harness gave up waiting

# QEMU's own report of a caught signal (system/runstate.c qemu_kill_report)
SIGNAL_RE = re.compile(r"^\S+: (?:terminating on signal (\d+) from pid"
                       r"|terminated by signal (\d+)$)", re.M)


def caught_signal(stderr_text):
    """The signal QEMU said it was terminated by, or None."""
    m = SIGNAL_RE.search(stderr_text or "")
    return int(m.group(1) or m.group(2)) if m else None


def exit_status(returncode, stderr_text=""):
    """QEMU's end as one exit status: 128+N if a signal N ended it (either
    way above), else its exit status. Never 0 for a QEMU ended by a
    signal."""
    if returncode is None:
        raise ValueError("QEMU has not ended")
    if returncode < 0:
        return 128 - returncode
    sig = caught_signal(stderr_text)
    if sig is not None:
        return 128 + sig
    return returncode
