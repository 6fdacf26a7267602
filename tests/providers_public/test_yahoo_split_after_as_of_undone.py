import numpy as np

from analysis.providers.public.yahoo import parse_chart
from tests.providers_public.conftest import body, ny

NVDA = "yahoo/chart-NVDA-2021-06-01-to-2021-08-31.json"
# Recorded 2021-07-16 bar (split-adjusted by Yahoo for the 4:1 split of 2021-07-20):
RECORDED_CLOSE, RECORDED_VOLUME = 18.160999298095703, 688224000


def _bar(series, day):
    index = int(np.flatnonzero(series.dates == np.datetime64(day))[0])
    return series.close[index], series.volume[index]


def test_it_undoes_the_july_2021_split_for_an_as_of_before_it():
    # As of the evening of 2021-07-19 the 4:1 split (ex-date 2021-07-20) had not happened:
    # the close is 4 × the recorded one and the volume a quarter of it.
    before = parse_chart(body(NVDA), "NVDA", as_of=ny(2021, 7, 19, 18))
    close, volume = _bar(before, "2021-07-16")
    assert close == RECORDED_CLOSE * 4
    assert volume == RECORDED_VOLUME / 4
    assert before.last_date.isoformat() == "2021-07-19"


def test_it_keeps_the_recorded_levels_once_the_split_is_known():
    after = parse_chart(body(NVDA), "NVDA", as_of=ny(2021, 7, 21, 18))
    assert _bar(after, "2021-07-16") == (RECORDED_CLOSE, RECORDED_VOLUME)


def test_it_moves_every_bar_by_the_same_factor_so_returns_are_unchanged():
    before = parse_chart(body(NVDA), "NVDA", as_of=ny(2021, 7, 19, 18))
    after = parse_chart(body(NVDA), "NVDA", as_of=ny(2021, 7, 21, 18))
    n = len(before)
    assert np.allclose(np.diff(np.log(before.close)), np.diff(np.log(after.close[:n])))
