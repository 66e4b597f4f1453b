"""Work a process must do when it exits cleanly, in every kind of process we run in.

`atexit` alone is not enough: the web server's workers (granian) are
multiprocessing children, which leave through `os._exit` after their target
returns, so atexit handlers never run there. multiprocessing runs its own
finalizers at that point, and, in any other process, from an atexit hook it
registers itself: a finalizer with an exit priority covers both.
"""

from collections.abc import Callable
from multiprocessing import util


def at_exit(callback: Callable[[], object]) -> None:
    """Call `callback` when this process exits cleanly (not when it is killed)."""
    util.Finalize(None, callback, exitpriority=10)
