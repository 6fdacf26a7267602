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
- lists: each item we send is held against the recorded items (the first
  recorded item whose shape it fits, else the first one); an empty recorded
  list says nothing about its items; an empty list of ours where the
  recording has items is reported, since the test built the state for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


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
        for item in actual:
            _compare(_closest(recorded, item), item, item_path, ignore, allow_empty, allow_null, out)


def _closest(recorded_items: list[Any], item: Any) -> Any:
    """The recorded item `item` is meant to match: one of its type with the most shared keys."""
    same_type = [r for r in recorded_items if json_type(r) == json_type(item)] or recorded_items
    if isinstance(item, dict):
        return max(
            (r for r in same_type if isinstance(r, dict)),
            key=lambda r: len(set(r) & set(item)) - len(set(r) - set(item)),
            default=same_type[0],
        )
    return same_type[0]


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
