"""The work split between this process and a forked child: the same results as one process, whatever
happens to the child."""
import os
import sys
from pathlib import Path

import pytest

from containerize import parallel
from containerize.checklist import build_profile
from containerize.languages.python import python_files
from containerize.scan import SourceTree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the split forks on Linux only")


@pytest.fixture
def forks(monkeypatch):
    """The forks made, counted (a machine of one core makes none: the split is then one process's work)."""
    made = []
    real = os.fork

    def fork():
        pid = real()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    return made


def _where(items):
    return {item: (item * 2, os.getpid()) for item in items}


def test_the_results_are_the_union_of_both_halves(forks):
    found = parallel.split(_where, list(range(1000)), minimum=10)
    assert {k: v[0] for k, v in found.items()} == {i: i * 2 for i in range(1000)}
    assert len(forks) == 1
    pids = {v[1] for v in found.values()}
    assert os.getpid() in pids and len(pids) == 2  # half of them computed by the child


def test_few_items_are_computed_here(forks):
    found = parallel.split(_where, list(range(5)), minimum=10)
    assert {v[1] for v in found.values()} == {os.getpid()} and not forks


def test_a_child_that_fails_leaves_its_half_to_the_parent(forks):
    parent = os.getpid()

    def compute(items):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return _where(items)

    found = parallel.split(compute, list(range(100)), minimum=10)
    assert sorted(found) == list(range(100)) and {v[1] for v in found.values()} == {parent}
    assert len(forks) == 1


def test_a_child_that_dies_leaves_its_half_to_the_parent(forks):
    parent = os.getpid()

    def compute(items):
        if os.getpid() != parent:
            os._exit(3)
        return _where(items)

    assert sorted(parallel.split(compute, list(range(100)), minimum=10)) == list(range(100))


def test_an_error_here_ends_the_child_and_is_raised(forks):
    parent = os.getpid()

    def compute(items):
        if os.getpid() == parent:
            raise KeyboardInterrupt
        return _where(items)

    with pytest.raises(KeyboardInterrupt):
        parallel.split(compute, list(range(100)), minimum=10)
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(forks[0], os.WNOHANG)


def test_no_fork_with_other_threads_running(forks):
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        found = parallel.split(_where, list(range(100)), minimum=10)
    finally:
        stop.set()
        thread.join()
    assert not forks and {v[1] for v in found.values()} == {os.getpid()}


def _analyzed_files(folder: Path) -> int:
    return len(python_files(SourceTree(folder)))


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()
                                            if p.name.startswith(("python-", "conn-flask", "migrate-"))
                                            and _analyzed_files(p) >= 2))
def test_python_facts_read_in_two_processes_are_the_same(fixture, forks, monkeypatch):
    """Every Python fixture's checklist, with its files' facts read half in a child, equals one process's."""
    alone = build_profile(FIXTURES / fixture, []).to_dict()
    assert not forks
    monkeypatch.setattr(parallel, "MINIMUM", 2)
    split = build_profile(FIXTURES / fixture, []).to_dict()
    assert forks and split == alone
