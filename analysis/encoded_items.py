"""Stored analyses as `/history/detailed` items, encoded to JSON once per stored content.

Profiled, a page of 50 items (1.2 MB) cost ~87 ms: decoding each row's four JSON columns
(~40 %), building the items, and encoding them again (~35 %) on every request, although a stored
analysis rarely changes. Here each item's JSON text is kept, keyed by everything it is made of:
the row's columns (its JSON columns as the stored text, read undecoded), and apart from it the
item's `outcomes`, by the outcome rows. A row or outcome that changes, by any writer, makes a
new key, so a kept text is never served for content that is not the row's: nothing needs
invalidating. A key holds the stored text itself, not a digest, so two contents never share one.
Bounded by size, the least recently used dropped first.

The page is then the envelope's JSON with the items' UTF-8 set in: the same encoder and settings
as DRF's `JSONRenderer` (compact, non-ASCII as is, U+2028/U+2029 escaped, UTF-8), so the bytes
are the ones it writes. A client asking for indented JSON (`Accept: application/json; indent=4`)
gets the page built and rendered as before.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from rest_framework.compat import LONG_SEPARATORS, SHORT_SEPARATORS
from rest_framework.renderers import JSONRenderer

from analysis.models import Analysis
from analysis.serializers import OUTCOME_KEYS, StoredAnalysisSerializer, outcomes_by_horizon

# The outcome rows are calibration's, an app above this one: reached through the relation they
# declare on an analysis (as the serializers read `analysis.outcomes`), not imported.
AnalysisOutcome = Analysis.outcomes.rel.related_model

JSON_COLUMNS = tuple(
    field.name for field in Analysis._meta.concrete_fields if field.get_internal_type() == "JSONField"
)
OTHER_COLUMNS = tuple(
    field.attname for field in Analysis._meta.concrete_fields if field.name not in JSON_COLUMNS
)
#: Characters kept (keys and texts), about 40 000 per item of the bench's analyses.
CACHE_CHARS = 64_000_000


class EncodedPage:
    """A response's data as JSON text made of pieces; `build` gives the plain data when needed."""

    def __init__(self, pieces: Sequence[bytes], build: Callable[[], Any]) -> None:
        self.pieces = pieces
        self.build = build


class EncodedPageRenderer(JSONRenderer):
    """`JSONRenderer`, which also writes an `EncodedPage` (its pieces, joined) as it would the data."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if not isinstance(data, EncodedPage):
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data.build(), accepted_media_type, renderer_context)
        return b"".join(data.pieces)


def encode(value: Any) -> str:
    """`value` as `JSONRenderer` writes it, as text (its compact form, the one served by default)."""
    text = json.dumps(
        value,
        cls=JSONRenderer.encoder_class,
        ensure_ascii=JSONRenderer.ensure_ascii,
        allow_nan=not JSONRenderer.strict,
        separators=SHORT_SEPARATORS if JSONRenderer.compact else LONG_SEPARATORS,
    )
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class _EncodedItems:
    def __init__(self, capacity_chars: int) -> None:
        self.capacity_chars = capacity_chars
        self._lock = threading.Lock()
        self._texts: OrderedDict[Hashable, tuple[bytes, int]] = OrderedDict()
        self._chars = 0

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            found = self._texts.get(key)
            if found is None:
                return None
            self._texts.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, text: bytes, size: int) -> None:
        if size > self.capacity_chars:
            return
        with self._lock:
            if key in self._texts:
                return
            self._texts[key] = (text, size)
            self._chars += size
            while self._chars > self.capacity_chars:
                _, (_, dropped) = self._texts.popitem(last=False)
                self._chars -= dropped

    def clear(self) -> None:
        with self._lock:
            self._texts.clear()
            self._chars = 0


encoded_items = _EncodedItems(CACHE_CHARS)


def with_stored_text(queryset: QuerySet[Analysis]) -> QuerySet[Analysis]:
    """`queryset` reading the JSON columns as their stored text, undecoded (see `detailed_items`)."""
    texts = {f"{name}__stored_text": Cast(name, output_field=TextField()) for name in JSON_COLUMNS}
    return queryset.defer(*JSON_COLUMNS).annotate(**texts)


def detailed_items(page: Iterable[Analysis]) -> list[bytes]:
    """The `/history/detailed` item (UTF-8 JSON) of each analysis of `page` (read `with_stored_text`).

    An item is the row's object, then, when the analysis has outcome rows, its `outcomes` (the
    serializer adds that key last). The row's part is kept by the row's content, the outcomes'
    by the outcome rows, which are read as values in one query: no model instance, no prefetch.
    """
    analyses = list(page)
    outcomes = _outcome_rows([analysis.pk for analysis in analyses])
    items = []
    for analysis in analyses:
        item = _row_part(analysis)
        rows = outcomes.get(analysis.pk)
        if rows:
            item = item[:-1] + _OUTCOMES_KEY + _outcomes_part(rows) + b"}"
        items.append(item)
    return items


_OUTCOMES_KEY = ("," + encode("outcomes") + ":").encode()


def _outcome_rows(analysis_ids: list[int]) -> dict[int, tuple[tuple[Any, ...], ...]]:
    rows: dict[int, list[tuple[Any, ...]]] = {}
    for analysis_id, *row in (
        AnalysisOutcome.objects.filter(analysis_id__in=analysis_ids)
        .order_by()
        .values_list("analysis_id", "horizon_days", *OUTCOME_KEYS)
    ):
        rows.setdefault(analysis_id, []).append(tuple(row))
    # One row per horizon (a unique constraint), so the horizon orders them.
    return {key: tuple(sorted(value, key=lambda row: row[0])) for key, value in rows.items()}


def _row_part(analysis: Analysis) -> bytes:
    stored = tuple(getattr(analysis, f"{name}__stored_text") for name in JSON_COLUMNS)
    key = ("row", tuple(analysis.__dict__[name] for name in OTHER_COLUMNS), stored)
    text = encoded_items.get(key)
    if text is None:
        _decode_stored(analysis, stored)
        text = encode(StoredAnalysisSerializer(analysis).data).encode()  # no context: no outcomes
        encoded_items.put(key, text, len(text) + sum(len(value or "") for value in stored))
    return text


def _outcomes_part(rows: tuple[tuple[Any, ...], ...]) -> bytes:
    key = ("outcomes", rows)
    text = encoded_items.get(key)
    if text is None:
        text = encode(outcomes_by_horizon(_WithOutcomes(rows))).encode()  # type: ignore[arg-type]
        encoded_items.put(key, text, len(text))
    return text


class _WithOutcomes:
    """What `outcomes_by_horizon` reads of an analysis (`outcomes.all()`), from value rows."""

    def __init__(self, rows: tuple[tuple[Any, ...], ...]) -> None:
        self.outcomes = self
        self._rows = [
            SimpleNamespace(horizon_days=row[0], **dict(zip(OUTCOME_KEYS, row[1:], strict=True)))
            for row in rows
        ]

    def all(self) -> list[SimpleNamespace]:
        return self._rows


def _decode_stored(analysis: Analysis, stored: tuple[str | None, ...]) -> None:
    """The JSON columns' values, as the fields would have read them."""
    for name, text in zip(JSON_COLUMNS, stored, strict=True):
        field = Analysis._meta.get_field(name)
        setattr(analysis, name, field.from_db_value(text, None, connection))


def encoded_page(envelope: dict[str, Any], items_key: str) -> EncodedPage:
    """`envelope` as data, its `items_key` holding encoded items (UTF-8), set in as they are."""
    items: list[bytes] = envelope[items_key]
    pieces = [b"{"]
    for index, (name, value) in enumerate(envelope.items()):
        pieces.append((("," if index else "") + encode(name) + ":").encode())
        if name == items_key:
            pieces.extend((b"[", b",".join(items), b"]"))
        else:
            pieces.append(encode(value).encode())
    pieces.append(b"}")
    # Decoding the items gives back the very values encoded (strict JSON, no NaN).
    return EncodedPage(pieces, build=lambda: {**envelope, items_key: [json.loads(item) for item in items]})
