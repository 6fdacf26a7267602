"""factory-boy factories for every model."""

from __future__ import annotations

import datetime as dt
import functools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from alerts.models import AlertNotification, AlertRule, RuleType
from analysis.backdating import is_backdated
from analysis.models import AgentResult, Analysis, NewsArticle, PriceBar, SentimentFactor
from calibration.models import (
    AnalysisOutcome,
    CalibrationSnapshot,
    MacroCatalystEvent,
    ReliabilityBin,
    Schedule,
    ScheduleRun,
)
from datasources.models import CachedResponse, CachedRow
from desk.models import DeskPreferences
from portfolio.models import PortfolioHolding, PortfolioProfile
from watchlists.models import Watchlist, WatchlistTicker

DEFAULT_PASSWORD = "correct horse battery staple"


@functools.cache
def _password_hash() -> str:
    return make_password(DEFAULT_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    # Hashed once per session: PBKDF2 with Django's iteration count costs ~0.4 s a user.
    password = factory.LazyFunction(lambda: _password_hash())


class AnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Analysis

    ticker = "AAPL"
    timestamp = factory.Sequence(lambda n: timezone.now() - dt.timedelta(hours=n + 1))
    recommendation = "BUY"
    confidence_score = 0.62
    overall_sentiment_score = 0.25
    score = 41.0
    duration_seconds = 0.05
    as_of = None
    run_kind = None
    # As run_analysis labels a run: a replay, or as of a session before its timestamp's.
    backdated = factory.LazyAttribute(
        lambda o: is_backdated(as_of=o.as_of, created_at=o.timestamp, run_kind=o.run_kind)
    )


class AgentResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentResult

    analysis = factory.SubFactory(AnalysisFactory)
    agent_type = "market"
    success = True
    data = factory.LazyFunction(lambda: {"trend": "uptrend"})
    duration_seconds = 0.01


class PriceBarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceBar

    ticker = "AAPL"
    timestamp = factory.Sequence(lambda n: timezone.now() - dt.timedelta(days=n + 1))
    open = 100.0
    high = 101.0
    low = 99.0
    close = 100.5
    volume = 1_000_000


class NewsArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsArticle

    ticker = "AAPL"
    published_at = factory.LazyFunction(timezone.now)
    title = "Company beats estimates"
    source = "newswire"
    url = factory.Sequence(lambda n: f"https://news.example.com/{n}")
    sentiment_score = 0.4


class SentimentFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SentimentFactor

    analysis = factory.SubFactory(AnalysisFactory)
    factor = "earnings"
    score = 0.5
    weight = 0.3
    contribution = 0.15


class AnalysisOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnalysisOutcome

    analysis = factory.SubFactory(AnalysisFactory)
    ticker = factory.SelfAttribute("analysis.ticker")
    horizon_days = 7
    target_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    baseline_price = 100.0


class CalibrationSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalibrationSnapshot

    as_of_date = factory.LazyFunction(timezone.localdate)
    horizon_days = 7
    sample_size = 40
    directional_accuracy = 0.55
    brier_score = 0.24


class ReliabilityBinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReliabilityBin

    as_of_date = factory.LazyFunction(timezone.localdate)
    horizon_days = 7
    bin_index = 0
    bin_lower = 0.0
    bin_upper = 0.2
    sample_size = 10
    empirical_hit_rate = 0.3


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    ticker = factory.Sequence(lambda n: f"T{n}")
    interval_minutes = 60


class ScheduleRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleRun

    schedule = factory.SubFactory(ScheduleFactory)


class MacroCatalystEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MacroCatalystEvent

    event_type = "cpi"
    # A year no migration or command seeds, so factory rows never collide with seeded ones.
    event_date = factory.Sequence(lambda n: dt.date(2001, 1, 1) + dt.timedelta(days=n))
    event_label = "CPI release"


class PortfolioProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortfolioProfile
        django_get_or_create = ("id",)

    id = 1


class PortfolioHoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortfolioHolding

    ticker = factory.Sequence(lambda n: f"H{n}")
    shares = 100.0
    market_value = 10_000.0
    sector = "Technology"
    beta = 1.1


class AlertRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertRule

    ticker = "AAPL"
    rule_type = RuleType.SCORE_ABOVE
    threshold = 50.0


class AlertNotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertNotification

    alert_rule = factory.SubFactory(AlertRuleFactory)
    analysis = factory.SubFactory(AnalysisFactory)
    ticker = factory.SelfAttribute("alert_rule.ticker")
    message = "Score crossed above 50"


class WatchlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Watchlist

    name = factory.Sequence(lambda n: f"List {n}")


class WatchlistTickerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchlistTicker

    watchlist = factory.SubFactory(WatchlistFactory)
    ticker = factory.Sequence(lambda n: f"W{n}")


class CachedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CachedResponse

    source = "sec"
    key = factory.Sequence(lambda n: f"submissions/CIK{n:010d}")
    ticker = "AAPL"
    content = b"{}"
    size_bytes = factory.LazyAttribute(lambda o: len(o.content))
    fetched_at = factory.LazyFunction(timezone.now)
    expires_at = None


class CachedRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CachedRow

    source = "yahoo"
    ticker = "AAPL"
    uid = factory.Sequence(lambda n: f"story-{n}")
    published_at = factory.LazyFunction(timezone.now)
    fetched_at = factory.LazyFunction(timezone.now)
    payload = factory.LazyFunction(lambda: {"title": "Apple reports results"})


class DeskPreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeskPreferences
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    brief_email = True
