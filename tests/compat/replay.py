"""Send a recorded request to this server and hold the answer to the recording.

A test builds the state its recording needs (through the API or the
factories), maps the recorded ids onto its own by passing `path` and `body`,
and calls `replay`. Status, content type and the shape of the body (or, for a
stream, the event names and each event's payload) must match; `allowed.py`
lists the differences that are kept on purpose.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from asgiref.sync import async_to_sync
from rest_framework.test import APIClient

from core.flags import Flag
from rollout.models import FeatureFlag
from tests.compat.allowed import detail_for_422_is_a_string
from tests.compat.recordings import Recording, load
from tests.compat.shape import parse_sse, shape_differences

UNSET: Any = object()
# Every recording `replay` was asked for in this run (`test_coverage` checks them all were).
REPLAYED: set[str] = set()


def set_flags(flags: dict[str, bool]) -> None:
    """The recording's flag posture, through the admin override every process reads."""
    for flag in Flag:
        if flag.value in flags:
            FeatureFlag.objects.update_or_create(name=flag.value, defaults={"override": flags[flag.value]})


def send(
    client: APIClient,
    recording: Recording,
    *,
    path: str | None = None,
    query: dict[str, Any] | None = None,
    body: Any = UNSET,
    headers: dict[str, str] | None = None,
) -> Any:
    set_flags(recording.flags)
    data = recording.request_body if body is UNSET else body
    kwargs: dict[str, Any] = {"headers": headers or {}}
    if recording.is_stream:
        kwargs["headers"] = {"Accept": "text/event-stream", **kwargs["headers"]}
    target = path or recording.path
    params = recording.query if query is None else query
    method = getattr(client, recording.method.lower())
    if recording.method in ("GET", "DELETE"):
        return method(target, params, **kwargs)
    if params:
        target = f"{target}?{urlencode(params)}"
    if data is None:
        return method(target, **kwargs)
    return method(target, data=json.dumps(data), content_type="application/json", **kwargs)


def body_of(response: Any) -> str:
    if not getattr(response, "streaming", False):
        # Binary bodies (the PDF export) come back with their undecodable bytes replaced.
        return response.content.decode(errors="replace")
    if getattr(response, "is_async", False):
        # Consumed here as an ASGI server would; the view's blocking work runs
        # through sync_to_async on this (the test's) thread and connection.
        return async_to_sync(_collect)(response.streaming_content).decode()
    return b"".join(response.streaming_content).decode()


async def _collect(chunks: Any) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def replay(
    client: APIClient,
    name: str,
    *,
    path: str | None = None,
    query: dict[str, Any] | None = None,
    body: Any = UNSET,
    ignore: tuple[str, ...] = (),
    allow_empty: tuple[str, ...] = (),
    allow_null: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
) -> Any:
    """Replay recording `name` and return what came back (parsed JSON, events, or text)."""
    recording = load(name)
    REPLAYED.add(name)
    response = send(client, recording, path=path, query=query, body=body, headers=headers)
    text = body_of(response)
    assert response.status_code == recording.status, (
        f"{name}: status {response.status_code}, recorded {recording.status}: {text[:500]}"
    )
    ours = response.headers.get("Content-Type", "").split(";")[0].strip()
    recorded = recording.content_type.split(";")[0].strip()
    assert ours == recorded, f"{name}: content type {ours!r}, recorded {recorded!r}"
    if recording.is_stream:
        return _check_stream(recording, text, ignore=ignore, allow_empty=allow_empty, allow_null=allow_null)
    if recorded != "application/json":
        return text
    actual = json.loads(text)
    expected = recording.response_body
    if recording.status == 422 and detail_for_422_is_a_string(expected, actual):
        return actual
    problems = shape_differences(
        expected, actual, ignore=ignore, allow_empty=allow_empty, allow_null=allow_null
    )
    assert not problems, f"{name}: shape differs from the recording:\n  " + "\n  ".join(problems)
    return actual


def _check_stream(
    recording: Recording,
    text: str,
    *,
    ignore: tuple[str, ...],
    allow_empty: tuple[str, ...],
    allow_null: tuple[str, ...],
) -> list[tuple[str, Any]]:
    events = [(event, json.loads(data)) for event, data in parse_sse(text)]
    names = [event for event, _ in events]
    recorded_names = [event["event"] for event in recording.sse_events or []]
    assert names and names[-1] == recorded_names[-1], (
        f"{recording.name}: stream ends with {names[-1:]} where the recording ends with {recorded_names[-1]}"
    )
    assert set(names) <= set(recorded_names) | {"progress"}, f"{recording.name}: events {names}"
    problems: list[str] = []
    for event, data in events:
        recorded_items = recording.events_named(event)
        if not recorded_items:
            continue
        # Stages differ in their payload only by values; hold each against the first recorded one.
        problems += shape_differences(
            recorded_items[0],
            data,
            path=event,
            ignore=ignore,
            allow_empty=allow_empty,
            allow_null=allow_null,
        )
    assert not problems, f"{recording.name}: stream payloads differ:\n  " + "\n  ".join(sorted(set(problems)))
    return events
