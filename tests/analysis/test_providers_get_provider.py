from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from analysis.providers import INDEX_TICKER, get_provider
from analysis.providers.csv import CsvProvider
from analysis.providers.demo import DemoProvider


def test_it_defaults_to_demo(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"
    provider = get_provider()
    assert isinstance(provider, DemoProvider)
    assert provider.name == "demo" and provider.is_demo


def test_it_reads_the_setting(settings: Any, tmp_path: Path) -> None:
    settings.MARKET_DATA_PROVIDER = "csv"
    settings.MARKET_DATA_CSV_DIR = str(tmp_path)
    provider = get_provider()
    assert isinstance(provider, CsvProvider)
    assert provider.directory == tmp_path


def test_it_builds_csv_by_name(settings: Any, tmp_path: Path) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"
    settings.MARKET_DATA_CSV_DIR = str(tmp_path)
    provider = get_provider("csv")
    assert isinstance(provider, CsvProvider) and provider.name == "csv" and not provider.is_demo


def test_it_rejects_an_unknown_name() -> None:
    with pytest.raises(ImproperlyConfigured, match="valid names are: demo, csv"):
        get_provider("yahoo")


def test_it_rejects_an_unknown_setting(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "bloomberg"
    with pytest.raises(ImproperlyConfigured, match="'bloomberg'"):
        get_provider()


def test_it_keeps_one_instance_per_configuration(settings: Any, tmp_path: Path) -> None:
    # Caches live on and behind the instances; a new one per call would parse files again.
    assert get_provider("demo") is get_provider("demo")
    settings.MARKET_DATA_CSV_DIR = str(tmp_path / "a")
    first = get_provider("csv")
    assert get_provider("csv") is first
    settings.MARKET_DATA_CSV_DIR = str(tmp_path / "b")
    assert get_provider("csv") is not first


def test_it_names_the_index() -> None:
    assert INDEX_TICKER == "SPY"


def test_it_builds_a_provider_class_of_your_own_with_its_options(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "tests.analysis.plugin_providers:VendorProvider"
    settings.MARKET_DATA_PROVIDER_OPTIONS = {"base_url": "https://data.example", "api_key": "k"}
    provider = get_provider()
    assert provider.name == "vendor" and provider.base_url == "https://data.example"
    assert get_provider() is provider  # one instance per configuration: its pools and caches live on
    settings.MARKET_DATA_PROVIDER_OPTIONS = {"base_url": "https://other.example"}
    assert get_provider() is not provider


def test_an_analysis_runs_on_a_provider_class_of_your_own(settings: Any) -> None:
    import datetime as dt

    from analysis.engine import EngineRequest, run_engine

    settings.MARKET_DATA_PROVIDER = "tests.analysis.plugin_providers:VendorProvider"
    settings.MARKET_DATA_PROVIDER_OPTIONS = {"base_url": "https://data.example"}
    request = EngineRequest(ticker="AAPL", as_of=dt.datetime(2025, 6, 13, 21, tzinfo=dt.UTC))
    result = run_engine(request, provider=get_provider())
    assert result.data_source == "vendor"
    assert all(output.success for output in result.agent_outputs.values())


@pytest.mark.parametrize(
    ("path", "options", "message"),
    [
        ("tests.analysis.no_such_module:Vendor", {}, "cannot be imported"),
        ("tests.analysis.plugin_providers:Missing", {}, "cannot be imported"),
        ("tests.analysis.plugin_providers:VendorProvider", {}, "do not fit"),
        ("tests.analysis.plugin_providers:VendorProvider", {"base_url": "x", "colour": "red"}, "do not fit"),
        ("tests.analysis.plugin_providers:NotAProvider", {}, "lacks fundamentals, news, macro, options"),
        ("tests.analysis.plugin_providers:VendorProvider", ["not", "an", "object"], "must be a JSON object"),
    ],
    ids=["no-module", "no-class", "missing-option", "unknown-option", "not-a-provider", "options-not-object"],
)
def test_a_provider_class_that_cannot_be_built_is_a_clear_configuration_error(
    settings: Any, path: str, options: Any, message: str
) -> None:
    settings.MARKET_DATA_PROVIDER = path
    settings.MARKET_DATA_PROVIDER_OPTIONS = options
    with pytest.raises(ImproperlyConfigured, match=message):
        get_provider()
