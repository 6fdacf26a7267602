"""The demo provider's news: 0-6 templated articles per ticker and trading day.

Each day's articles are fixed by (ticker, day). An article's sentiment leans on the returns
a reader could have seen when it was published: the bars closed before it (the day's own bar
only for articles published after the 16:00 close), plus noise, so sentiment never carries
information about a price that was not yet known.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

import numpy as np

from analysis.market_data import NEW_YORK, SESSION_CLOSE, NewsItem
from analysis.providers.calendar import trading_days
from analysis.providers.demo_market import (
    ORIGIN,
    History,
    earnings_calendar,
    history,
    rng,
    ticker_profile,
)
from analysis.providers.symbols import INDEX_TICKER

SOURCES = ("Demo Wire", "Demo Markets Daily", "Demo Business Review", "Demo Newswire")
_FIRMS = ("Demo Securities", "Example Capital", "Sample & Partners", "Placeholder Research")
CATEGORIES = ("earnings", "guidance", "analyst", "product", "strategic", "legal", "macro", "other")
_USUAL_MIX = np.array([0.07, 0.05, 0.20, 0.16, 0.12, 0.06, 0.14, 0.20])
_EARNINGS_MIX = np.array([0.50, 0.20, 0.15, 0.03, 0.03, 0.02, 0.04, 0.03])
_INDEX_MIX = np.array([0.0, 0.0, 0.25, 0.0, 0.0, 0.0, 0.55, 0.20])
_COUNT_ODDS = np.array([0.12, 0.22, 0.24, 0.18, 0.12, 0.08, 0.04])  # 0..6 articles a day

# (headline, summary) by category and tone; {name}, {pct}, {firm} are filled in.
_TEMPLATES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "earnings": {
        "positive": (
            ("{name} beats quarterly estimates as revenue climbs {pct}%", "Results topped consensus."),
            ("{name} posts record quarterly profit", "Margins widened on strong demand."),
        ),
        "neutral": (("{name} quarterly results in line with expectations", "No surprises in the numbers."),),
        "negative": (
            ("{name} misses earnings estimates; revenue falls {pct}%", "Results came in below consensus."),
            ("{name} profit slides as costs mount", "Higher costs weighed on the quarter."),
        ),
    },
    "guidance": {
        "positive": (("{name} raises full-year outlook", "Management lifted its forecast."),),
        "neutral": (("{name} reaffirms annual guidance", "The outlook was left unchanged."),),
        "negative": (("{name} cuts outlook, citing softer demand", "Management lowered its forecast."),),
    },
    "analyst": {
        "positive": (
            ("{firm} upgrades {name} to buy", "The analyst sees {pct}% upside."),
            ("{firm} raises {name} price target", "Estimates moved higher after recent data."),
        ),
        "neutral": (("{firm} initiates {name} at neutral", "Valuation looks fair, the analyst says."),),
        "negative": (
            ("{firm} downgrades {name} to sell", "The analyst sees {pct}% downside."),
            ("{firm} cuts {name} price target", "Estimates moved lower after recent data."),
        ),
    },
    "product": {
        "positive": (("{name} unveils new product line to strong early demand", "Early orders beat plans."),),
        "neutral": (("{name} updates its product roadmap", "Launch timing was largely unchanged."),),
        "negative": (("{name} delays product launch", "The launch slipped by a quarter."),),
    },
    "strategic": {
        "positive": (
            ("{name} announces ${pct} billion buyback", "The board approved a larger repurchase plan."),
            (
                "{name} agrees deal to expand into new markets",
                "The acquisition is expected to add to earnings.",
            ),
        ),
        "neutral": (
            ("{name} names new chief financial officer", "The appointment takes effect next quarter."),
        ),
        "negative": (("{name} takes charge on restructuring", "The plan includes job cuts."),),
    },
    "legal": {
        "positive": (("{name} wins dismissal of lawsuit", "A court dismissed the claims."),),
        "neutral": (("{name} responds to regulator inquiry", "The company says it is cooperating."),),
        "negative": (("{name} faces regulatory probe", "Regulators opened an investigation."),),
    },
    "macro": {
        "positive": (("Stocks rally as inflation cools; {name} gains", "Yields eased after the data."),),
        "neutral": (("Markets steady ahead of central bank decision", "Investors awaited policy guidance."),),
        "negative": (("Stocks slide as rate worries return; {name} falls", "Yields rose after the data."),),
    },
    "other": {
        "positive": (("{name} shares rise {pct}% in active trading", "Volume ran above average."),),
        "neutral": (("What to watch for {name} this week", "A look at the week ahead."),),
        "negative": (("{name} shares drop {pct}% in heavy volume", "Sellers dominated the session."),),
    },
}


def _standardised(bars: History) -> np.ndarray:
    return bars.log_return / bars.sigma


def _signal(z: np.ndarray, last_visible: int) -> float:
    """Recent standardised returns through bar `last_visible`, the latest weighted most."""
    weights = (0.6, 0.3, 0.1)
    return sum(
        w * float(z[i])
        for w, i in zip(weights, range(last_visible, last_visible - 3, -1), strict=True)
        if i >= 0
    )


@functools.lru_cache(maxsize=8192)
def _day_articles(ticker: str, day: dt.date, end_year: int) -> tuple[NewsItem, ...]:
    """One trading day's articles, oldest first (the same whatever `end_year`, which only picks the cache)."""
    profile = ticker_profile(ticker)
    bars = history(ticker, end_year)
    index_bars = history(INDEX_TICKER, end_year)
    position = bars.end_index(day) - 1  # this day's bar
    if position < 0:
        return ()
    z_own, z_index = _standardised(bars), _standardised(index_bars)
    generator = rng(ticker, "news", day)
    reporting = bool(np.isin(np.datetime64(day, "D"), earnings_calendar(ticker, day.year - 1, day.year)))
    count = int(generator.choice(7, p=_COUNT_ODDS)) + (2 if reporting else 0)
    count = min(6, count)
    mix = _INDEX_MIX if profile.is_index else _EARNINGS_MIX if reporting else _USUAL_MIX
    minutes = np.sort(generator.integers(6 * 60, 21 * 60, count))
    items = []
    for number, minute in enumerate(minutes.tolist()):
        published = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=NEW_YORK)
        category = CATEGORIES[int(generator.choice(len(CATEGORIES), p=mix))]
        # The day's own bar only exists for readers after the close.
        last_visible = position if published.time() >= SESSION_CLOSE else position - 1
        signal = _signal(z_index if category == "macro" else z_own, last_visible)
        sentiment = max(-1.0, min(1.0, math.tanh(0.45 * signal + 0.4 * float(generator.standard_normal()))))
        tone = "positive" if sentiment > 0.15 else "negative" if sentiment < -0.15 else "neutral"
        pct = abs(float(generator.normal(0, 4))) + 1
        if category == "other" and last_visible >= 0:
            # "Shares rise 2.1%" must be the move a reader could see, in its direction.
            move = math.expm1(float(bars.log_return[last_visible]))
            pct = abs(move) * 100
            if (tone == "positive") != (move > 0):
                tone = "neutral"
        options = _TEMPLATES[category][tone]
        title, summary = options[int(generator.integers(len(options)))]
        fill = {
            "name": profile.name,
            "pct": f"{pct:.1f}",
            "firm": _FIRMS[int(generator.integers(len(_FIRMS)))],
        }
        items.append(
            NewsItem(
                ticker=ticker,
                published_at=published,
                title=title.format(**fill),
                source=SOURCES[int(generator.integers(len(SOURCES)))],
                url=f"https://demo.pmresearch.invalid/news/{ticker}/{day.isoformat()}/{number}",
                summary=summary.format(**fill) + " Synthetic demo article.",
                sentiment=round(sentiment, 3),
                category=category,
                is_demo=True,
            )
        )
    return tuple(items)


def demo_news(ticker: str, *, as_of: dt.datetime, lookback_days: int) -> list[NewsItem]:
    """Articles published in (as_of - lookback_days, as_of], newest first."""
    if lookback_days <= 0:
        return []
    since = as_of - dt.timedelta(days=lookback_days)
    first = max(since.astimezone(NEW_YORK).date(), ORIGIN)
    last = as_of.astimezone(NEW_YORK).date()
    end_year = max(last.year, ORIGIN.year)
    found = [
        item
        for day in trading_days(first, last).astype(dt.date).tolist()
        for item in _day_articles(ticker, day, end_year)
        if since < item.published_at <= as_of
    ]
    found.reverse()
    return found
