"""Routes: pages, the JSON API under /api/, /health, auth and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from alerts.api import (
    AlertEventsView,
    AlertRuleDetailView,
    AlertRuleListView,
    NotificationAcknowledgeView,
    NotificationCountView,
    NotificationListView,
)
from alerts.views import (
    alerts_page,
    notification_acknowledge,
    notification_item,
    notifications_acknowledge_all,
    rule_delete,
    rule_disable,
    rule_enable,
)
from analysis.api import (
    AnalysisCsvExportView,
    AnalysisDetailView,
    AnalysisPdfExportView,
    AnalyzeStreamView,
    AnalyzeView,
    ContractSchemaView,
    DetailedHistoryView,
    HistoryCsvExportView,
    HistoryView,
    LatestAnalysisView,
    TickerListView,
)
from analysis.views import analysis_page, history_page, ticker_page
from calibration.api import (
    CalibrationSummaryView,
    EvaluationView,
    MacroEventListView,
    ReliabilityView,
    ScheduleDetailView,
    ScheduleListView,
    ScheduleRunsView,
    TickerCalibrationView,
)
from calibration.views import (
    schedule_delete,
    schedule_disable,
    schedule_enable,
    schedules_page,
)
from desk.api import BriefView
from desk.views import brief_email_preference, brief_opt_out
from pmresearch import errors
from pmresearch.health import health
from pmresearch.views import home
from portfolio.api import HoldingDetailView, HoldingListView, OptimizeView, PortfolioView, ProfileView
from portfolio.views import (
    portfolio_holding_add,
    portfolio_holding_delete,
    portfolio_holding_edit,
    portfolio_page,
    portfolio_profile_update,
)
from rollout.api import RolloutStatusView
from watchlists.api import (
    WatchlistAnalyzeView,
    WatchlistBadIdView,
    WatchlistDetailView,
    WatchlistListView,
    WatchlistOpportunitiesCsvView,
    WatchlistOpportunitiesView,
    WatchlistTickerDetailView,
    WatchlistTickersView,
)
from watchlists.views import (
    watchlist_delete,
    watchlist_detail_page,
    watchlist_ticker_add,
    watchlist_ticker_remove,
    watchlists_page,
)

admin.site.site_header = "pmresearch admin"
admin.site.site_title = "pmresearch admin"

api_patterns = [
    path("analysis/tickers", TickerListView.as_view(), name="api-analysis-tickers"),
    # A string, so that a non-integer id is the earlier 422 rather than a 404.
    path("analysis/<str:analysis_id>", AnalysisDetailView.as_view(), name="api-analysis-detail"),
    path("analyze/<str:ticker>", AnalyzeView.as_view(), name="api-analyze"),
    path("analyze/<str:ticker>/stream", AnalyzeStreamView.as_view(), name="api-analyze-stream"),
    path("analysis/<str:ticker>/latest", LatestAnalysisView.as_view(), name="api-analysis-latest"),
    path("analysis/<str:ticker>/history", HistoryView.as_view(), name="api-analysis-history"),
    path(
        "analysis/<str:ticker>/history/detailed",
        DetailedHistoryView.as_view(),
        name="api-analysis-history-detailed",
    ),
    path(
        "analysis/<str:ticker>/history/export/csv",
        HistoryCsvExportView.as_view(),
        name="api-analysis-history-export-csv",
    ),
    path("analysis/<str:ticker>/export/csv", AnalysisCsvExportView.as_view(), name="api-analysis-export-csv"),
    path("analysis/<str:ticker>/export/pdf", AnalysisPdfExportView.as_view(), name="api-analysis-export-pdf"),
    path("alerts", AlertRuleListView.as_view(), name="api-alerts"),
    path("alerts/events", AlertEventsView.as_view(), name="api-alert-events"),
    path("alerts/notifications", NotificationListView.as_view(), name="api-alert-notifications"),
    path("alerts/notifications/count", NotificationCountView.as_view(), name="api-alert-notifications-count"),
    path(
        "alerts/notifications/<int:notification_id>/acknowledge",
        NotificationAcknowledgeView.as_view(),
        name="api-alert-notification-acknowledge",
    ),
    path("alerts/<int:rule_id>", AlertRuleDetailView.as_view(), name="api-alert-detail"),
    path("watchlists", WatchlistListView.as_view(), name="api-watchlists"),
    path("watchlists/<int:watchlist_id>", WatchlistDetailView.as_view(), name="api-watchlist-detail"),
    path(
        "watchlists/<int:watchlist_id>/tickers",
        WatchlistTickersView.as_view(),
        name="api-watchlist-tickers",
    ),
    path(
        "watchlists/<int:watchlist_id>/tickers/<str:ticker>",
        WatchlistTickerDetailView.as_view(),
        name="api-watchlist-ticker",
    ),
    path(
        "watchlists/<int:watchlist_id>/analyze",
        WatchlistAnalyzeView.as_view(),
        name="api-watchlist-analyze",
    ),
    path(
        "watchlists/<int:watchlist_id>/opportunities",
        WatchlistOpportunitiesView.as_view(),
        name="api-watchlist-opportunities",
    ),
    path(
        "watchlists/<int:watchlist_id>/opportunities.csv",
        WatchlistOpportunitiesCsvView.as_view(),
        name="api-watchlist-opportunities-csv",
    ),
    # A watchlist id that is not an integer: 422 (after the routes above, which take integers).
    path("watchlists/<str:watchlist_id>", WatchlistBadIdView.as_view()),
    path("watchlists/<str:watchlist_id>/<path:rest>", WatchlistBadIdView.as_view()),
    path("schedules", ScheduleListView.as_view(), name="api-schedules"),
    path("schedules/<int:schedule_id>", ScheduleDetailView.as_view(), name="api-schedule-detail"),
    path("schedules/<int:schedule_id>/runs", ScheduleRunsView.as_view(), name="api-schedule-runs"),
    path("macro-events", MacroEventListView.as_view(), name="api-macro-events"),
    path("portfolio", PortfolioView.as_view(), name="api-portfolio"),
    path("portfolio/profile", ProfileView.as_view(), name="api-portfolio-profile"),
    path("portfolio/holdings", HoldingListView.as_view(), name="api-portfolio-holdings"),
    path("portfolio/holdings/<int:holding_id>", HoldingDetailView.as_view(), name="api-portfolio-holding"),
    path("portfolio/optimize/<str:ticker>", OptimizeView.as_view(), name="api-portfolio-optimize"),
    path("calibration/summary", CalibrationSummaryView.as_view(), name="api-calibration-summary"),
    path("calibration/ticker/<str:ticker>", TickerCalibrationView.as_view(), name="api-calibration-ticker"),
    path("calibration/reliability", ReliabilityView.as_view(), name="api-calibration-reliability"),
    path("calibration/evaluation", EvaluationView.as_view(), name="api-calibration-evaluation"),
    path("rollout/phase7/status", RolloutStatusView.as_view(), name="api-rollout-phase7-status"),
    path("brief", BriefView.as_view(), name="api-brief"),
    path("schemas/signal-contract-v2.json", ContractSchemaView.as_view(), name="api-contract-schema"),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

urlpatterns = [
    path("", home, name="dashboard"),
    path("analysis/", analysis_page, name="analysis"),
    path("analysis/<str:ticker>/", ticker_page, name="analysis-ticker"),
    path("watchlists/", watchlists_page, name="watchlists"),
    path("watchlists/<int:watchlist_id>/", watchlist_detail_page, name="watchlist-detail"),
    path("watchlists/<int:watchlist_id>/delete", watchlist_delete, name="watchlist-delete"),
    path("watchlists/<int:watchlist_id>/tickers", watchlist_ticker_add, name="watchlist-ticker-add"),
    path(
        "watchlists/<int:watchlist_id>/tickers/<str:ticker>/remove",
        watchlist_ticker_remove,
        name="watchlist-ticker-remove",
    ),
    path("portfolio/", portfolio_page, name="portfolio"),
    path("portfolio/profile", portfolio_profile_update, name="portfolio-profile"),
    path("portfolio/holdings", portfolio_holding_add, name="portfolio-holding-add"),
    path("portfolio/holdings/<int:holding_id>/edit", portfolio_holding_edit, name="portfolio-holding-edit"),
    path(
        "portfolio/holdings/<int:holding_id>/delete",
        portfolio_holding_delete,
        name="portfolio-holding-delete",
    ),
    path("alerts/", alerts_page, name="alerts"),
    path("alerts/rules/<int:rule_id>/enable", rule_enable, name="alert-rule-enable"),
    path("alerts/rules/<int:rule_id>/disable", rule_disable, name="alert-rule-disable"),
    path("alerts/rules/<int:rule_id>/delete", rule_delete, name="alert-rule-delete"),
    path(
        "alerts/notifications/<int:notification_id>/acknowledge",
        notification_acknowledge,
        name="alert-notification-acknowledge",
    ),
    path(
        "alerts/notifications/<int:notification_id>/item",
        notification_item,
        name="alert-notification-item",
    ),
    path(
        "alerts/notifications/acknowledge-all",
        notifications_acknowledge_all,
        name="alert-notifications-acknowledge-all",
    ),
    path("desk/brief-email", brief_email_preference, name="desk-brief-email"),
    path("desk/brief-email/opt-out/<str:token>", brief_opt_out, name="desk-brief-opt-out"),
    path("history/", history_page, name="history"),
    path("schedules/", schedules_page, name="schedules"),
    path("schedules/<int:schedule_id>/enable", schedule_enable, name="schedule-enable"),
    path("schedules/<int:schedule_id>/disable", schedule_disable, name="schedule-disable"),
    path("schedules/<int:schedule_id>/delete", schedule_delete, name="schedule-delete"),
    path("health", health, name="health"),
    path("api/", include(api_patterns)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler404 = errors.page_not_found
handler500 = errors.server_error
