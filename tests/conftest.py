import os
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


try:  # property tests: `--hypothesis-profile=long` for a longer (nightly) run
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", max_examples=500, deadline=None)
    _hypothesis_settings.register_profile("long", max_examples=20_000, deadline=None)
    _hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass
