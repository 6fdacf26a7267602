"""`normalise_ticker`: the one gate every ticker passes before it reaches a provider or the database."""

from __future__ import annotations

import pytest

from analysis.tickers import InvalidTicker, normalise_ticker


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AAPL", "AAPL"),
        ("aapl", "AAPL"),
        (" msft ", "MSFT"),
        ("\tko\n", "KO"),
        ("F", "F"),
        ("GOOGL", "GOOGL"),
        ("BRK.B", "BRK.B"),
        ("brk.b", "BRK.B"),
        # Vendors spell share classes with a dash or a slash; the dot is canonical, so
        # BRK-B and BRK.B are one ticker in the database and one file for the csv provider.
        ("brk-b", "BRK.B"),
        ("BF/B", "BF.B"),
        ("bf-b", "BF.B"),
        ("GEF.BB", "GEF.BB"),
    ],
)
def test_it_returns_the_canonical_symbol(raw: str, expected: str) -> None:
    assert normalise_ticker(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", None, 123, 1.5, b"AAPL", ["AAPL"]])
def test_it_requires_a_ticker_string(raw: object) -> None:
    with pytest.raises(InvalidTicker, match=r"A ticker is required, e\.g\. AAPL or BRK\.B"):
        normalise_ticker(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "AAPL1",
        "TOOLONG",
        "BRK.BBB",
        "A B",
        "../etc",
        "BRK..B",
        ".B",
        "BRK.",
        "AAPL;DROP",
        "%41APL",
        # Unicode lookalikes: Cyrillic А, full-width letters, a Greek capital alpha.
        "АAPL",
        "ＡＡＰＬ",
        "ΑAPL",
    ],
)
def test_it_rejects_what_is_not_a_us_equity_ticker(raw: str) -> None:
    with pytest.raises(InvalidTicker):
        normalise_ticker(raw)


def test_invalid_ticker_is_a_value_error() -> None:
    # Callers that only know ValueError (forms, CLI parsing) still catch it.
    assert issubclass(InvalidTicker, ValueError)


def test_the_message_names_the_input_and_the_expected_form() -> None:
    with pytest.raises(InvalidTicker) as caught:
        normalise_ticker("aapl1")
    message = str(caught.value)
    assert "'AAPL1'" in message
    assert "1-5 letters" in message
    assert "optional share class" in message
    assert "AAPL or BRK.B" in message


def test_a_long_input_is_truncated_in_the_message() -> None:
    # The message is shown to users and logged; an attacker-sized input must not be echoed whole.
    raw = "X" * 5000
    with pytest.raises(InvalidTicker) as caught:
        normalise_ticker(raw)
    message = str(caught.value)
    assert "'" + "X" * 20 + "…'" in message
    assert "X" * 21 not in message
    assert len(message) < 200


def test_an_input_of_exactly_twenty_characters_is_shown_whole() -> None:
    with pytest.raises(InvalidTicker) as caught:
        normalise_ticker("Y" * 20)
    assert "'" + "Y" * 20 + "'" in str(caught.value)
    assert "…" not in str(caught.value)


# Some non-ASCII letters upper-case to ASCII (dotless ı → I, long ſ → S, ﬀ → FF).
@pytest.mark.parametrize("raw", ["ıbm", "ſpy", "ﬀ"])
def test_it_rejects_non_ascii_letters_that_upper_case_to_ascii(raw: str) -> None:
    with pytest.raises(InvalidTicker):
        normalise_ticker(raw)
