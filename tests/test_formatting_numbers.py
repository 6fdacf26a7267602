"""|usd, |pct, |signed_pct, |grouped: thousands separators and units."""

from __future__ import annotations

from django.template import Context, Template

from core.formatting import grouped, pct, signed_pct, usd


def test_it_writes_dollars_with_separators() -> None:
    assert usd(1234.56) == "$1,234.56"
    assert usd(253927165.4, 0) == "$253,927,165"
    assert usd(53.5) == "$53.50"
    assert usd(-1234.5) == "-$1,234.50"
    # Rounded to nothing, a tiny loss is not "-$0.00".
    assert usd(-0.001) == "$0.00"
    assert usd("1000") == "$1,000.00"


def test_it_writes_percent_with_the_unit() -> None:
    assert pct(12.3) == "12.30 %"
    assert pct(1234.5, 1) == "1,234.5 %"


def test_it_signs_a_change_in_percent() -> None:
    assert signed_pct(4.8612) == "+4.86 %"
    assert signed_pct(-1.2) == "-1.20 %"
    # A HOLD's EV is 0: no sign, and a rounding to zero is zero too.
    assert signed_pct(0) == "0.00 %"
    assert signed_pct(-0.001) == "0.00 %"


def test_it_groups_thousands() -> None:
    assert grouped(1234567) == "1,234,567"
    assert grouped(1234.567, 2) == "1,234.57"


def test_it_writes_a_dash_for_what_is_not_a_number() -> None:
    for value in (None, "", "n/a", float("nan"), float("inf"), True):
        assert usd(value) == pct(value) == signed_pct(value) == grouped(value) == "—"


def test_they_are_filters_on_every_template() -> None:
    template = Template("{{ p|usd }} · {{ c|usd:0 }} · {{ ev|signed_pct }} · {{ d|pct }}")
    context = Context({"p": 1234.56, "c": 253927165, "ev": 4.86, "d": 3.1})
    assert template.render(context) == "$1,234.56 · $253,927,165 · +4.86 % · 3.10 %"
