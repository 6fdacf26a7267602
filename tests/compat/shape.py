"""Compare a response with a recording by shape: keys, nesting and JSON types.

The comparison is a subset one: every key the earlier system sent must be
present with a compatible type; extra keys are fine. Values are not compared,
only their JSON types, so timestamps, ids and numbers may differ. The rules:

- a recorded `null` says nothing about the type, so anything matches it;
- a recorded value that is not null must not come back null (clients that
  read `x.toFixed()` or `x["key"]` crash on null);
- a recorded integer needs an integer (a float would break `range(count)`),
  but a recorded float accepts an integer (JSON numbers; `12.0` vs `12`);
- a recorded 0/1 accepts true/false: one of the allowed differences
  (`allowed.py`, "booleans");
- lists: each item we send is held against all the recorded items merged:
  a key every recorded item has is required, a key only some have is compared
  when present, a value null in some recorded item may be null in ours; an
  empty recorded list says nothing about its items; an empty list of ours where
  the recording has items is reported, since the test built the state for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _Nullable:
    """A value some recorded item had as null: null is fine, anything else is compared."""

    value: Any


@dataclass(frozen=True)
class _Optional:
    """A key only some recorded items had: compared when present."""

    value: Any


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def shape_differences(
    recorded: Any,
    actual: Any,
    *,
    path: str = "",
    ignore: Iterable[str] = (),
    allow_empty: Iterable[str] = (),
    allow_null: Iterable[str] = (),
) -> list[str]:
    """Every place where `actual` does not keep the shape of `recorded`.

    Paths are dotted, with `[]` for list items (`analyses[].agents[].success`).
    `ignore` names paths not compared at all, `allow_empty` lists that may be
    empty here, `allow_null` values that may be null here; each is for a test to
    say why (state the earlier system had and a test cannot make, say).
    """
    out: list[str] = []
    _compare(recorded, actual, path, set(ignore), set(allow_empty), set(allow_null), out)
    return out


def _compare(
    recorded: Any,
    actual: Any,
    path: str,
    ignore: set[str],
    allow_empty: set[str],
    allow_null: set[str],
    out: list[str],
) -> None:
    if isinstance(recorded, _Nullable):
        if actual is None:
            return
        recorded = recorded.value
    if path in ignore or recorded is None:
        return
    where = path or "<root>"
    want, got = json_type(recorded), json_type(actual)
    if got == "null":
        if path not in allow_null:
            out.append(f"{where}: expected {want}, got null")
        return
    if want == "int" and got == "bool" and recorded in (0, 1):
        return
    if want == "float" and got == "int":
        return
    if want != got:
        out.append(f"{where}: expected {want}, got {got}")
        return
    if want == "object":
        for key, value in recorded.items():
            child = f"{path}.{key}" if path else key
            if isinstance(value, _Optional):
                if key not in actual:
                    continue
                value = value.value
            if key not in actual:
                if child not in ignore:
                    out.append(f"{child}: missing")
                continue
            _compare(value, actual[key], child, ignore, allow_empty, allow_null, out)
    elif want == "list":
        if not recorded:
            return
        if not actual:
            if path not in allow_empty:
                out.append(f"{where}: expected items, got an empty list")
            return
        item_path = f"{path}[]"
        template = _merge(recorded)
        for item in actual:
            _compare(template, item, item_path, ignore, allow_empty, allow_null, out)


def _merge(values: list[Any]) -> Any:
    """One template for recorded siblings (list items), keeping what every one of them promises."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    merged: Any
    if all(isinstance(value, dict) for value in present):
        merged = {}
        for key in dict.fromkeys(key for value in present for key in value):
            found = [value[key] for value in present if key in value]
            child = _merge(found)
            if child is not None and any(item is None for item in found):
                child = _Nullable(child)
            merged[key] = child if len(found) == len(present) else _Optional(child)
    elif all(isinstance(value, list) for value in present):
        merged = [item for value in present for item in value]
    elif all(json_type(value) in ("int", "float") for value in present):
        # A column that held 3 in one row and 2.5 in another is a float column.
        merged = next((value for value in present if isinstance(value, float)), present[0])
    else:
        merged = present[0]
    return merged


def parse_sse(text: str) -> list[tuple[str, str]]:
    """(event name, raw data line) per event of a stream, strictly framed.

    The earlier framing is a bare `event:` line and one `data:` line per event,
    then a blank line; anything else (ids, comments, multi-line data) is
    reported by the caller as a framing difference.
    """
    events: list[tuple[str, str]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        lines = block.split("\n")
        if len(lines) != 2 or not lines[0].startswith("event: ") or not lines[1].startswith("data: "):
            raise AssertionError(f"event not framed as `event:` + one `data:` line: {block!r}")
        events.append((lines[0].removeprefix("event: "), lines[1].removeprefix("data: ")))
    return events
