"""Reading only the concepts used out of a companyfacts body gives what decoding it whole gives,
and declines (so the caller decodes it whole) any body not in SEC's layout.

Bodies: the project's NVDA and AAPL excerpts (compact, as SEC serves them) and, when
../shared is present, the full recorded bodies (4 MB for NVIDIA)."""

import json

import pytest

from analysis.market_data import MarketDataError
from analysis.providers.public import companyfacts_scan, sec_facts, sec_loaders
from tests.providers_public.conftest import SHARED, body

EXCERPTS = ["sec/companyfacts-NVDA-2019-2021.json", "sec/companyfacts-AAPL-2019-2021.json"]


def _compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _read(content: bytes) -> dict | None:
    return companyfacts_scan.read_concepts(content, sec_facts.CONCEPT_KEYS)


def _same_as_whole(content: bytes) -> None:
    whole = json.loads(content)
    read = _read(content)
    assert read is not None
    assert sec_facts.fact_table(read) == sec_facts.fact_table(whole)
    assert (read["cik"], read["entityName"]) == (whole["cik"], whole["entityName"])
    for taxonomy, concepts in read["facts"].items():
        for concept, value in concepts.items():
            assert (taxonomy, concept) in sec_facts.CONCEPT_KEYS
            assert value == whole["facts"][taxonomy][concept]
    held = {(t, c) for t, cs in whole["facts"].items() for c in cs} & sec_facts.CONCEPT_KEYS
    assert {(t, c) for t, cs in read["facts"].items() for c in cs} == held


@pytest.mark.parametrize("relative", EXCERPTS)
def test_it_reads_the_excerpts_as_decoding_them_whole_does(relative):
    _same_as_whole(body(relative))


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"recordings not present at {SHARED}")
@pytest.mark.parametrize("cik", [320193, 1045810])
def test_it_reads_the_full_recorded_bodies_as_decoding_them_whole_does(cik):
    _same_as_whole((SHARED / f"sec/companyfacts-CIK{cik:010d}.json").read_bytes())


def test_a_description_quoting_a_concept_key_is_not_taken_for_one():
    facts = json.loads(body(EXCERPTS[0]))
    gaap = facts["facts"]["us-gaap"]
    decoy = '"Revenues":{"label":"x","units":{"USD":[]}}'
    gaap["AaaDecoy"] = {"label": decoy, "description": "}," + decoy, "units": {}}
    content = _compact(facts)
    assert content.count(b'Revenues\\":{\\"label') == 2
    _same_as_whole(content)


def _mutations() -> dict[str, bytes]:
    content = body(EXCERPTS[0])
    facts = json.loads(content)
    after = dict(facts, extra=1)
    reordered = {"facts": facts["facts"], "cik": facts["cik"], "entityName": facts["entityName"]}
    nested = json.loads(content)
    nested["facts"]["us-gaap"]["Revenues"] = {"deeper": {"Revenues": {"label": "x", "units": {}}}}
    hidden = json.loads(content)
    gaap: dict = {}
    for name, concept in hidden["facts"]["us-gaap"].items():
        gaap[name] = concept
        if ("us-gaap", name) in sec_facts.CONCEPT_KEYS and "Hidden" not in gaap:
            gaap["Hidden"] = {"description": "label not first", "label": "x", "units": {}}
    hidden["facts"]["us-gaap"] = gaap
    return {
        "pretty-printed": json.dumps(facts).encode(),
        "cut at the end": content[:-1],
        "cut in the middle": content[: len(content) // 2],
        "a key after facts": _compact(after),
        "facts before the head": _compact(reordered),
        "a concept nested in a concept": _compact(nested),
        "a concept without its label first beside a wanted one": _compact(hidden),
        "not UTF-8": b"\xff" + content,
        "SEC's XML 404": body("sec/submissions-404.xml"),
        "an array": b"[]",
    }


@pytest.mark.parametrize("name", list(_mutations()))
def test_it_declines_a_body_not_in_secs_layout(name):
    assert _read(_mutations()[name]) is None


def test_a_declined_body_still_gets_the_whole_bodys_answer_or_error():
    content = body(EXCERPTS[0])
    pretty = sec_loaders._fact_table(json.dumps(json.loads(content)).encode())
    assert pretty == sec_loaders._fact_table(content) == sec_facts.fact_table(json.loads(content))
    with pytest.raises(MarketDataError, match="SEC companyfacts: the response is not JSON"):
        sec_loaders._fact_table(content[:-1])
    assert sec_loaders._fact_table(body("sec/submissions-404.xml")) is None
