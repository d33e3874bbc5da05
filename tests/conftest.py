import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import harness  # noqa: E402


@pytest.fixture
def docker():
    """Skip (or, with CONTAINERIZE_REQUIRE_DOCKER=1, fail) when no Docker engine answers."""
    harness.require_docker()
    return harness


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from what containerize generates now")
