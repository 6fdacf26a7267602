import numpy as np
import pytest

from analysis.providers.public.yahoo import parse_chart
from tests.providers_public.conftest import body, ny

MSFT = "yahoo/chart-MSFT-2021-04-01-to-2021-06-30.json"
# Recorded: close 2021-05-17 = 245.17999267578125, 2021-05-18 = 243.0800018310547; a dividend
# of 0.56 goes ex on 2021-05-19.
CLOSE_0517, CLOSE_0518, DIVIDEND = 245.17999267578125, 243.0800018310547, 0.56


def _close(series, day):
    return series.close[int(np.flatnonzero(series.dates == np.datetime64(day))[0])]


def test_it_ignores_a_dividend_that_goes_ex_after_as_of():
    series = parse_chart(body(MSFT), "MSFT", as_of=ny(2021, 5, 18, 18))
    assert series.adjusted
    assert _close(series, "2021-05-17") == CLOSE_0517 and _close(series, "2021-05-18") == CLOSE_0518


def test_it_adjusts_bars_before_a_known_ex_date_and_keeps_the_last_close_as_traded():
    series = parse_chart(body(MSFT), "MSFT", as_of=ny(2021, 6, 30, 18))
    # Hand computation: factor = 1 − 0.56 / 243.08 = 0.997696231...
    factor = 1 - DIVIDEND / CLOSE_0518
    assert factor == pytest.approx(0.9976962317)
    assert _close(series, "2021-05-17") == pytest.approx(CLOSE_0517 * factor, rel=1e-12)
    assert _close(series, "2021-05-19") == 243.1199951171875
    assert series.close[-1] == 270.8999938964844
