#!/usr/bin/python3
"""tests/run.py's jobs for signals (docs/SIGNALS.md).

  sigtests[cpus=N]  user/apps/sigtests/ as init, like usertests: every
                    signal call's success and error paths, delivery
                    order, masks, nesting, the flags, faults caught and
                    siglongjmp'd out of, sigaltstack on a stack overflow,
                    EINTR and SA_RESTART, stop and continue, SIGCHLD,
                    timers, signals racing exits; each "ok NAME" or
                    "FAIL NAME" line a check, and every frame back
  shell/signals     the console's job control, kernel side: Ctrl-Z stops
                    a foreground job (the shell gets the console back),
                    kill ends the stopped job, Ctrl-\\ quits one, and a
                    background job that reads the console stops
                    (SIGTTIN) instead of taking the shell's input
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jobs_user import usertests_job  # noqa: E402


def shell_signals_job(console_session, prompt):
    """Job control: Ctrl-Z, jobs, bg, fg, kill -9 %1 of a stopped job,
    Ctrl-\\, SIGTTIN of a background reader, kill -l, signals sent to the
    shell itself (it survives them); the shell keeps the console
    throughout. The signal keys are
    typed once "spin fg" says the console is its (else they could reach
    the shell's raw-mode editor first)."""
    p = prompt
    return console_session("shell/signals", 2, [
        ("spin fg\r", [r"spin: in the foreground"]),
        ("\x1a", [r"\^Z", r"\[1\]\+\s+Stopped\s+spin fg", p]),
        ("ps\r", [r"\n\s+3\s+2 stopped\s+spin", p]),
        ("jobs\r", [r"\[1\]\s+Stopped\s+3\s+spin fg", p]),
        # bg: it runs on, in the background; fg: it has the console again
        ("bg %1\r", [r"\[1\] spin fg &", p]),
        ("jobs\r", [r"\[1\]\s+Running\s+3\s+spin fg", p]),
        ("fg\r", [r"\nspin fg\r*\n"]),
        ("\x1a", [r"\^Z", r"\[1\]\+\s+Stopped\s+spin fg", p]),
        ("kill -9 %1\r", [p]),
        ("sleep 0.5\r", [r"\[1\]\s+Killed by signal 9 \(SIGKILL\)\s+spin fg",
                         p]),
        ("spin fg\r", [r"spin: in the foreground"]),
        ("\x1c", [r"\^\\", r"killed by signal 3 \(SIGQUIT\)", p]),
        ("fact &\r", [r"\[1\] (\d+)", p]),
        ("hello\r", [r"Hello, Kite!", p]),
        ("ps\r", [r"\n\s+\d+\s+2 stopped\s+fact", p]),
        ("kill -KILL %1\r", [p]),
        ("sleep 0.5\r", [r"\[1\]\s+Killed by signal 9", p]),
        # the shell survives SIGINT, SIGTSTP and SIGQUIT sent to it
        ("kill -2 2\r", [p]),
        ("kill -s TSTP 2\r", [p]),
        ("kill -QUIT 2\r", [p]),
        ("kill -TTOU 2\r", [p]),
        ("echo alive\r", [r"\nalive\r*\n", p]),
        ("kill -l\r", [r" 9\) SIGKILL", r"15\) SIGTERM", r"64\) SIGRTMIN\+32", p]),
        ("kill -l 130\r", [r"\nINT\r*\n", p]),
        ("kill -NOPE 3\r", [r"kill: NOPE: no such signal", p]),
        ("fg %7\r", [r"fg: %7: no such job", p]),
        ("spin fg\r", [r"spin: in the foreground"]),
        ("\x03", [r"\^C", r"killed by signal 2 \(SIGINT\)", p])])


def jobs(console_session, prompt):
    """(name, function, args) of every job here, for run.py."""
    js = [("sigtests[cpus=%d]" % n, usertests_job, (n, "sigtests"))
          for n in (1, 4)]
    js.append(("shell/signals", shell_signals_job, (console_session, prompt)))
    return js
