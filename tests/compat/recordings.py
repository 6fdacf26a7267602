"""The earlier system's recorded exchanges, as the compatibility suite reads them.

`recordings/` is a copy of the 197 requests recorded from the earlier FastAPI
system (see `recordings/README.md` for how they were made), carried in the
project so the suite runs without `../shared`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

RECORDINGS_DIR = Path(__file__).resolve().parent / "recordings"


@dataclass(frozen=True)
class Recording:
    name: str  # the file name without `.json`
    method: str
    path: str
    route: str
    query: dict[str, Any]
    request_body: Any
    flags: dict[str, bool]
    status: int
    content_type: str
    response_body: Any
    response_headers: dict[str, str]
    sse_events: list[dict[str, Any]] | None
    notes: str

    @property
    def is_stream(self) -> bool:
        return self.sse_events is not None

    def events_named(self, name: str) -> list[dict[str, Any]]:
        return [event["data"] for event in self.sse_events or [] if event["event"] == name]


def all_names() -> list[str]:
    return sorted(path.stem for path in RECORDINGS_DIR.glob("*.json"))


@cache
def load(name: str) -> Recording:
    raw = json.loads((RECORDINGS_DIR / f"{name}.json").read_text())
    return Recording(
        name=name,
        method=raw["method"],
        path=raw["path"],
        route=raw.get("route", raw["path"]),
        query=raw.get("query") or {},
        request_body=raw.get("request_body"),
        flags=raw.get("flags") or {},
        status=raw["status"],
        content_type=raw.get("content_type", ""),
        response_body=raw.get("response_body"),
        response_headers=raw.get("response_headers") or {},
        sse_events=raw.get("sse_events"),
        notes=raw.get("notes", ""),
    )
