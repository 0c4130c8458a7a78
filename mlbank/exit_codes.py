"""Exit codes, the same for every command, and the one error a command raises for a usage problem.

0 success, 1 the bank (or claim) has errors, 2 usage or internal failure, 130 interrupted (Ctrl-C).
A leaf: it imports nothing, so the entry point and the warm lint path can use it for free.
"""

from __future__ import annotations

OK = 0
FINDINGS = 1
USAGE = 2
INTERRUPTED = 130


class UsageError(Exception):
    """What the user asked for cannot be done as asked: the message says what is wrong and what to
    do. The command line prints it as a one-line error and exits USAGE, never with a traceback."""
