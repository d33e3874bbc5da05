"""Answers given on the command line (``--set KEY=VALUE``), applied over detection.

The keys and how each value is read are declared in answer_keys.KEYS.
"""
from __future__ import annotations

from . import answer_keys
from .answer_keys import SET_ORIGIN, AnswerError as OverrideError
from .profile import Profile

__all__ = ["OverrideError", "apply", "parse"]


def parse(pairs: list[str]) -> list[tuple[str, str]]:
    """``["port=8080", "env.DEBUG=0"]`` -> ``[("port", "8080"), ("env.DEBUG", "0")]``; errors name the bad one."""
    return [answer_keys.parse_set(pair) for pair in pairs]


def apply(profile: Profile, overrides: list[tuple[str, str]], origin: str = SET_ORIGIN) -> None:
    """Set the answers on ``profile``; ``profile.origins`` says each came from ``origin``."""
    answer_keys.apply(profile, overrides, origin)
