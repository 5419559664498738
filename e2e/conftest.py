"""Fixtures: one emulator for the session, a freshly seeded account per test, and rule binaries
started through the local Lambda Runtime API (one warm environment per rule per test)."""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

import pytest

import account
from emulator import Emulator
from lambda_runtime_api import Function, Result

logging.getLogger("werkzeug").setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture
def sample(emulator: Emulator) -> dict[str, Any]:
    """A freshly reset emulator holding the sample account."""
    emulator.reset()
    return account.seed(emulator.url)


@pytest.fixture
def invoke(emulator: Emulator) -> Iterator[Callable[[str, dict[str, Any]], Result]]:
    """``invoke(rule, event)``: runs the event through the rule's binary, as Lambda would."""
    functions: dict[str, Function] = {}

    def run(rule: str, event: dict[str, Any]) -> Result:
        if rule not in functions:
            functions[rule] = Function(account.binary(rule), account.rule_env(emulator.url))
        return functions[rule].invoke(event)

    yield run
    for function in functions.values():
        function.stop()
