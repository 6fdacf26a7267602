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
