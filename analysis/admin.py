from __future__ import annotations

from django.contrib import admin

from analysis.models import AgentResult, Analysis


class AgentResultInline(admin.TabularInline):
    model = AgentResult
    extra = 0
    fields = ("agent_type", "success", "duration_seconds", "error")
    readonly_fields = fields
    can_delete = False


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = (
        "ticker",
        "timestamp",
        "recommendation",
        "score",
        "confidence_score",
        "analysis_schema_version",
    )
    list_filter = ("recommendation", "analysis_schema_version", "regime_label")
    search_fields = ("ticker",)
    date_hierarchy = "timestamp"
    inlines = [AgentResultInline]
