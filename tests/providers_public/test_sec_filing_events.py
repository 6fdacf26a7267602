from analysis.providers.public.sec import filing_events, parse_current_feed
from tests.providers_public.conftest import body, data, ny


def test_it_turns_8k_items_into_events_up_to_as_of():
    events = filing_events(data("sec/submissions-AAPL-2023-2026.json"), "aapl", as_of=ny(2026, 1, 30))
    latest = events[0]
    assert latest.published_at == ny(2026, 1, 29, 16, 30, 33)
    assert latest.title == "8-K: Results of Operations and Financial Condition (Item 2.02)"
    assert latest.category == "earnings" and latest.source == "SEC EDGAR" and latest.ticker == "AAPL"
    assert latest.url.startswith("https://www.sec.gov/Archives/edgar/data/320193/000032019326000005/")
    assert all(e.published_at <= ny(2026, 1, 30) for e in events)
    assert [e.published_at for e in events] == sorted((e.published_at for e in events), reverse=True)


def test_it_reads_the_current_filings_feed():
    entries = parse_current_feed(body("sec/getcurrent-atom-excerpt.xml"))
    eight_k = next(e for e in entries if e.form == "8-K")
    assert (eight_k.cik, eight_k.company, eight_k.accession) == (
        1935979,
        "Biohaven Ltd.",
        "0001935979-26-000005",
    )
    assert eight_k.items == ("7.01", "9.01")
    # <updated>2026-01-12T11:19:08-05:00</updated>
    assert eight_k.accepted_at == ny(2026, 1, 12, 11, 19, 8)
    events = filing_events(entries, "BHVN", as_of=ny(2026, 1, 12, 12), cik=1935979)
    assert [e.title for e in events] == ["8-K: Regulation FD Disclosure (Item 7.01)"]
    assert filing_events(entries, "BHVN", as_of=ny(2026, 1, 12, 11), cik=1935979) == []
