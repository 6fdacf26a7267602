"""The concepts the fundamentals read, taken out of a companyfacts body without decoding the rest.

NVIDIA's companyfacts is 4 MB holding some 640 concepts; the fundamentals read 22 of them
(about 300 KB). Decoding the whole body, then freeing what it built, cost about 45 ms of a
cold analysis, on its critical path (the body is the last to arrive); this reads the 22 in
about 4 ms and gives the same values (`core.json_columns.loads` decodes each one: orjson where
its value cannot differ from the standard library's).

Why finding them in the text is sound: inside a JSON string every `"` is escaped, so the text
`":{"label":` can only be structure, the end of a key whose value is an object whose first key
is "label". In SEC's layout (compact, `{"cik":…,"entityName":…,"facts":{"<taxonomy>":{"<concept>":
{"label":…,"description":…,"units":{…}},…},…}}`) those objects are exactly the concepts. Each
concept's key is checked to sit where a concept sits: after `},` (the concept before it) or
after `"<taxonomy>":{` (the first of its taxonomy), that taxonomy after `},` or, for the first,
right after the head's `"facts":{`. A concept's text runs from its `{` to where the next
concept's key (or the next taxonomy's, or the body's three closing braces) begins, and it must
decode as exactly one object: so a concept in another layout that hides beside a wanted one is
caught, and a truncated body (whose last concept never ends where the closing braces begin) is
never read as a whole one. The head must decode as an object on its own.

When the body does not read as that layout, `read_concepts` answers None and the caller decodes
the body whole, so any other shape (pretty-printed, another key order, not JSON) gets the same
answer or error as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from core import json_columns

_CONCEPT_KEY_END = '":{"label":'
_FACTS_KEY = '"facts":{'
_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _name_before(text: str, end: int) -> tuple[str, int] | None:
    """The key whose closing quote is at `end`, and its opening quote's index, if it is a plain name."""
    start = text.rfind('"', 0, end)
    if start < 0 or not _NAME.fullmatch(text, start + 1, end):
        return None
    return text[start + 1 : end], start


def _concepts(text: str, first: int) -> list[tuple[str, str, int, int]] | None:
    """[(taxonomy, concept, where its object begins, where its text ends)] in body order, or None."""
    found: list[tuple[str, str, int, int]] = []
    taxonomy = ""
    at = first
    while at >= 0:
        key = _name_before(text, at)
        if key is None:
            return None
        concept, quote = key
        if text.startswith("},", quote - 2) and taxonomy:
            ends_before = quote - 1  # the comma after the concept before
        elif text.startswith('":{', quote - 3):
            named = _name_before(text, quote - 3)
            if named is None:
                return None
            taxonomy, tax_quote = named
            expected = "}," if found else _FACTS_KEY
            if not text.startswith(expected, tax_quote - len(expected)):
                return None
            ends_before = tax_quote - 2  # the brace closing the taxonomy before
        else:
            return None
        if found:
            found[-1] = (*found[-1][:3], ends_before)
        found.append((taxonomy, concept, at + len('":'), -1))
        at = text.find(_CONCEPT_KEY_END, at + 1)
    closing = len(text.rstrip()) - 3
    if not found or text[closing : closing + 3] != "}}}":
        return None
    found[-1] = (*found[-1][:3], closing)
    return found


def read_concepts(content: bytes | str, wanted: Iterable[tuple[str, str]]) -> dict | None:
    """`{"cik", "entityName", "facts": {taxonomy: {concept: object}}}` holding only the `wanted`
    (taxonomy, concept) pairs the body has, as `json.loads` of the whole body would give them;
    None when the body is not in SEC's layout (module docstring)."""
    try:
        text = content.decode("utf-8") if isinstance(content, bytes | bytearray) else content
    except UnicodeDecodeError:
        return None
    facts_at = text.find(_FACTS_KEY)
    first = text.find(_CONCEPT_KEY_END)
    if facts_at < 0 or first < 0 or facts_at > first or not text.startswith("{"):
        return None
    try:
        head = json.loads(text[:facts_at].rstrip().rstrip(",") + "}")
    except ValueError:
        return None
    concepts = _concepts(text, first)
    if not isinstance(head, dict) or "facts" in head or concepts is None:
        return None
    wanted = set(wanted)
    chosen: dict[str, dict[str, dict]] = {}
    for i, (taxonomy, concept, begins, ends) in enumerate(concepts):
        if (taxonomy, concept) not in wanted and i < len(concepts) - 1:
            continue
        try:
            value = json_columns.loads(text[begins:ends])
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        if (taxonomy, concept) in wanted:
            chosen.setdefault(taxonomy, {})[concept] = value
    return {**head, "facts": chosen}
