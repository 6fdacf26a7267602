"""A fake clock, a private shared-state file and a client over an httpx mock transport."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import httpx
import pytest

from datasources.config import load_config
from datasources.http import SourceClient, reset_client
from datasources.state import SqliteState


class FakeClock:
    """Time that moves only when slept through, so waits cost nothing and can be asserted."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.t = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.sleeps.append(seconds)
            self.t += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def state(tmp_path) -> SqliteState:  # type: ignore[no-untyped-def]
    return SqliteState(tmp_path / "state.sqlite3")


@pytest.fixture(autouse=True)
def _no_process_client() -> Iterator[None]:
    reset_client()
    yield
    reset_client()


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def make_client(clock: FakeClock, state: SqliteState) -> Callable[..., SourceClient]:
    """A client whose requests go to `handler`; keyword arguments override the configuration."""

    def make(handler: Handler, **overrides: object) -> SourceClient:
        config = dataclasses.replace(load_config(), **overrides)
        return SourceClient(config=config, transport=httpx.MockTransport(handler), clock=clock, state=state)

    return make


def replies(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering with `responses` in turn (raising the exceptions), and the requests it saw."""
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = queue.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    return handler, seen
