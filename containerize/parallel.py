"""Work split between this process and one forked child, on a machine with more than one core: a large
project's files are read and parsed half here and half there, and the child sends back what it found.

The child computes, pickles its results into a pipe and leaves with ``os._exit`` (no exit handlers, no
flushing of buffers it shares with the parent: it writes nothing else). If it fails in any way, the parent
computes the child's half itself: the result is the same, only slower."""
from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from typing import Callable, TypeVar

T = TypeVar("T")
K = TypeVar("K")
R = TypeVar("R")

# Below this many items one process is quicker: a fork and the transfer of the results cost a few
# milliseconds, a file's parse and facts tens of microseconds.
MINIMUM = 400


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _can_fork() -> bool:
    # a fork copies only the calling thread: with other threads running, a lock one of them holds stays
    # held in the child for ever; on macOS a forked child may crash in the system's libraries (Python's own
    # multiprocessing no longer forks there), so only Linux forks
    return sys.platform.startswith("linux") and threading.active_count() == 1 and cores() > 1


def split(compute: Callable[[list[T]], dict[K, R]], items: list[T], minimum: int | None = None) -> dict[K, R]:
    """``compute(items)``, as the union of ``compute`` on every other item here and on the rest in a child."""
    if len(items) < (MINIMUM if minimum is None else minimum) or not _can_fork():
        return compute(items)
    mine, theirs = items[0::2], items[1::2]
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return compute(items)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return compute(items)
    if pid == 0:
        _child(compute, theirs, read_end, write_end)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    done = False
    try:
        found = compute(mine)
        data = pipe.read()
        _, status = os.waitpid(pid, 0)
        done = True
        try:
            sent = _loads(data) if status == 0 and data else None
        except Exception:  # a child killed while writing: its half is computed here
            sent = None
        found.update(compute(theirs) if sent is None else sent)
        return found
    finally:
        pipe.close()
        if not done:  # interrupted (Ctrl-C) or failed here: the child has nobody to send to
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _loads(data: bytes) -> object:
    """The child's results: thousands of small objects at once, made with the cyclic collector paused (its
    young collections would otherwise walk the whole heap again and again while they are made)."""
    import pickle

    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if paused:
            gc.enable()


def _child(compute: Callable[[list[T]], dict[K, R]], items: list[T], read_end: int, write_end: int) -> None:
    import pickle

    status = 1
    gc.disable()  # a process that lives for one computation: nothing to collect before it exits
    try:
        os.close(read_end)
        data = pickle.dumps(compute(items), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001 - whatever happened, the parent computes this half itself
        pass
    finally:
        os._exit(status)
