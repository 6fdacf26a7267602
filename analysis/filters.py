"""Query parameters of the history routes, validated into a queryset filter."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Coalesce, TruncDate
from rest_framework import serializers

from analysis.market_data import NEW_YORK
from analysis.models import Analysis, Recommendation, RunKind

REGIMES = ("risk_on", "transition", "risk_off")
# `run_kind` of the history routes: one kind, or every current / every backdated run
# (`analysis.backdating`).
RUN_KIND_FILTERS = (*RunKind.values, "current", "backdated")
RUN_KIND_HELP = (
    "Only runs of this kind (interactive, watchlist, scheduled, replay), or every current or every "
    "backdated run (a replay, or one as of a past session)."
)


# The earlier system's filter names, accepted beside ours: earlier name -> ours.
FILTER_ALIASES = {
    "min_ev_score": "min_ev",
    "max_ev_score": "max_ev",
    "min_confidence_calibrated": "min_confidence",
    "max_confidence_calibrated": "max_confidence",
    "min_data_quality_score": "min_quality",
    "regime_label": "regime",
}
# Filters the earlier handlers checked themselves (400); every other field's bounds and types
# were declared on the route (422).
HANDLER_CHECKED = frozenset({"start_date", "end_date", "recommendation", "regime", "regime_label"})
RECOMMENDATION_MESSAGE = "recommendation must be BUY, HOLD, or SELL"


class HistoryQuerySerializer(serializers.Serializer):
    """`/history`: its `limit` (1..100, default 10) is checked by the view, as the earlier handler did."""

    limit = serializers.IntegerField(required=False, default=10)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000, default=0)
    run_kind = serializers.ChoiceField(choices=RUN_KIND_FILTERS, required=False, help_text=RUN_KIND_HELP)


class DetailedHistoryQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000, default=0)
    start_date = serializers.DateField(
        required=False, help_text="Analyses on or after this date (YYYY-MM-DD)."
    )
    end_date = serializers.DateField(
        required=False, help_text="Analyses on or before this date (YYYY-MM-DD)."
    )
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False)
    min_ev = serializers.FloatField(required=False)
    max_ev = serializers.FloatField(required=False)
    min_confidence = serializers.FloatField(required=False, min_value=0, max_value=1)
    max_confidence = serializers.FloatField(required=False, min_value=0, max_value=1)
    min_quality = serializers.FloatField(required=False, min_value=0, max_value=100)
    regime = serializers.ChoiceField(choices=REGIMES, required=False)
    run_kind = serializers.ChoiceField(choices=RUN_KIND_FILTERS, required=False, help_text=RUN_KIND_HELP)
    # The same filters under the earlier system's names.
    min_ev_score = serializers.FloatField(required=False, help_text="Same as min_ev.")
    max_ev_score = serializers.FloatField(required=False, help_text="Same as max_ev.")
    min_confidence_calibrated = serializers.FloatField(
        required=False, min_value=0, max_value=1, help_text="Same as min_confidence."
    )
    max_confidence_calibrated = serializers.FloatField(
        required=False, min_value=0, max_value=1, help_text="Same as max_confidence."
    )
    min_data_quality_score = serializers.FloatField(
        required=False, min_value=0, max_value=100, help_text="Same as min_quality."
    )
    regime_label = serializers.ChoiceField(choices=REGIMES, required=False, help_text="Same as regime.")

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        data = data.copy()
        for name, normalise in (
            ("recommendation", str.upper),
            ("regime", str.lower),
            ("regime_label", str.lower),
            ("run_kind", str.lower),
        ):
            if isinstance(data.get(name), str):
                data[name] = normalise(data[name])
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for alias, name in FILTER_ALIASES.items():
            if alias in attrs:
                value = attrs.pop(alias)
                attrs.setdefault(name, value)
        for low, high in (
            ("start_date", "end_date"),
            ("min_ev", "max_ev"),
            ("min_confidence", "max_confidence"),
        ):
            if low in attrs and high in attrs and attrs[low] > attrs[high]:
                raise serializers.ValidationError(f"{low} must not be after {high}.")
        return attrs


def apply_history_filters(queryset: QuerySet[Analysis], params: dict[str, Any]) -> QuerySet[Analysis]:
    """Dates are New York market dates of the moment the analysis looked (as_of; legacy rows: timestamp)."""
    if "start_date" in params or "end_date" in params:
        queryset = queryset.annotate(market_date=TruncDate(Coalesce("as_of", "timestamp"), tzinfo=NEW_YORK))
    lookups = {
        "start_date": "market_date__gte",
        "end_date": "market_date__lte",
        "recommendation": "recommendation",
        "min_ev": "ev_score_7d__gte",
        "max_ev": "ev_score_7d__lte",
        "min_confidence": "confidence_calibrated__gte",
        "max_confidence": "confidence_calibrated__lte",
        "min_quality": "data_quality_score__gte",
        "regime": "regime_label",
    }
    conditions = {lookup: params[name] for name, lookup in lookups.items() if name in params}
    return queryset.filter(**conditions)
