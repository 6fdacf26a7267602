"""The analyses' JSON columns read back as the standard library reads them, orjson or not."""

from __future__ import annotations

import json

import pytest

from analysis.models import Analysis
from core.json_columns import FastJSONDecoder, loads
from tests.factories import AnalysisFactory

# Texts where orjson alone would differ from `json.loads` (it reads a 100-bit integer as a
# float, and refuses NaN, Infinity, 1e400 and lone surrogates), and ordinary ones.
TEXTS = [
    '{"id": 123456789012345678901234567890, "n": -9223372036854775809}',
    '{"big": 18446744073709551616, "fraction": 0.00012345678901234567}',
    '{"ratio": NaN, "upper": Infinity, "lower": -Infinity}',
    '{"overflow": 1e400}',
    '{"note": "\\ud800 unpaired"}',
    '{"a": 1, "a": 2, "nested": [1.5, -0.0, 1e-07, 5e-324, {"x": null}]}',
    '{"text": "caf\\u00e9 \\u2028 \\ud83d\\ude00", "digits": "12345678901234567890123"}',
    "[]",
    '"plain"',
]


@pytest.mark.parametrize("text", TEXTS)
def test_it_decodes_to_what_the_standard_library_gives(text: str) -> None:
    ours, standard = json.loads(text, cls=FastJSONDecoder), json.loads(text)
    assert repr(ours) == repr(standard)  # repr: NaN is not equal to itself
    assert [type(value) for value in _leaves(ours)] == [type(value) for value in _leaves(standard)]


@pytest.mark.parametrize("text", TEXTS)
def test_a_source_body_decodes_as_the_standard_library_reads_it(text: str) -> None:
    body = text.encode("utf-8")
    assert repr(loads(body)) == repr(json.loads(body))
    assert repr(loads(text)) == repr(json.loads(text))


@pytest.mark.parametrize("text", ["{", '{"a": 1,}', "nul", ""])
def test_it_refuses_what_the_standard_library_refuses(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text, cls=FastJSONDecoder)


def test_hooks_are_honoured_as_the_standard_library_does() -> None:
    text = '{"a": 1.5}'
    decoded = json.loads(text, cls=FastJSONDecoder, parse_float=str)
    assert decoded == {"a": "1.5"}


@pytest.mark.django_db
def test_a_stored_analysis_reads_back_exactly() -> None:
    payload = {"id": 2**100, "small": -(2**63) - 1, "share": 0.1, "tags": ["é", "😀"], "none": None}
    stored = AnalysisFactory(analysis_payload=payload, signal_contract_v2={"n": 2**64})
    read = Analysis.objects.get(pk=stored.pk)
    assert read.analysis_payload == payload
    assert type(read.analysis_payload["id"]) is int
    assert read.signal_contract_v2 == {"n": 2**64}


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]
