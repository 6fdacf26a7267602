from __future__ import annotations

from django.apps import AppConfig


class DatasourcesConfig(AppConfig):
    name = "datasources"
    verbose_name = "Data sources"

    def ready(self) -> None:
        # Registers the system checks (the project's own among them: until now only importing
        # /health registered it, too late for `manage.py check`) and the key-redacting filter.
        import pmresearch.config_checks  # noqa: F401
        from datasources import config, http  # noqa: F401

        http.install_log_redaction()
