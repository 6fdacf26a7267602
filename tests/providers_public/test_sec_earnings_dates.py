import datetime as dt

from analysis.providers.public.sec import accepted_at, earnings_dates_from_submissions
from tests.providers_public.conftest import data, ny

AAPL = "sec/submissions-AAPL-2023-2026.json"


def test_it_reads_acceptance_times_as_new_york_wall_time():
    # Apple's 8-K item 2.02 of 2026-01-29 reads "16:30:33.000Z": its 4:30 p.m. ET release.
    when = accepted_at("2026-01-29T16:30:33.000Z")
    assert when == ny(2026, 1, 29, 16, 30, 33)


def test_it_lists_item_2_02_releases_up_to_as_of_and_estimates_the_next():
    past, upcoming = earnings_dates_from_submissions(data(AAPL), as_of=ny(2025, 9, 1))
    # The item 2.02 releases of 2024-10-31, 2025-01-30, 2025-05-01 and 2025-07-31; each 10-Q/10-K
    # that followed a day later is the same report.
    assert past[-4:] == [
        dt.date(2024, 10, 31),
        dt.date(2025, 1, 30),
        dt.date(2025, 5, 1),
        dt.date(2025, 7, 31),
    ]
    # Estimated: a year (364 days, same weekday) after the fourth-last, 2024-10-31 → 2025-10-30;
    # Apple's actual release came on 2025-10-30.
    assert upcoming == dt.date(2025, 10, 30)


def test_it_does_not_see_a_release_accepted_after_as_of():
    # The 2026-01-29 release was accepted at 16:30:33 New York time.
    before, _ = earnings_dates_from_submissions(data(AAPL), as_of=ny(2026, 1, 29, 16, 30))
    after, _ = earnings_dates_from_submissions(data(AAPL), as_of=ny(2026, 1, 29, 16, 31))
    assert before[-1] == dt.date(2025, 10, 30) and after[-1] == dt.date(2026, 1, 29)
