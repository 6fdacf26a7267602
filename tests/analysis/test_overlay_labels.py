"""The analysis page names each sizing: the legacy overlay and optimizer v2, and says when they differ."""

from __future__ import annotations

from django.template.loader import render_to_string

from analysis.decision import legacy_portfolio_action


def render(a: dict) -> str:
    return render_to_string("analysis/_opportunities.html", {"a": a, "horizon_rows": [], "contract": None})


def test_it_labels_the_legacy_overlay_with_its_fit_and_checks() -> None:
    action = legacy_portfolio_action("BUY", "MEDIUM", None)
    html = render({"portfolio_action": action, "portfolio_summary": "x"})
    assert "Legacy overlay: add" in html and "(fit 85/100)" in html
    assert "data_quality_gate pass" in html
    assert 'data-overlay="optimizer-v2"' not in html


def test_it_says_which_is_which_when_the_two_disagree() -> None:
    html = render(
        {
            "portfolio_action": legacy_portfolio_action("BUY", "MEDIUM", None),
            "portfolio_action_v2": {"recommended_action": "hold", "fit_score": 50},
            "portfolio_summary": "x",
            "portfolio_summary_v2": "y",
        }
    )
    assert "Optimizer v2: hold" in html
    assert 'data-overlay="disagree"' in html
    assert "Optimizer v2 is the sizing in force" in html


def test_it_adds_no_note_when_they_agree() -> None:
    html = render(
        {
            "portfolio_action": legacy_portfolio_action("BUY", "MEDIUM", None),
            "portfolio_action_v2": {"recommended_action": "add", "fit_score": 70},
        }
    )
    assert 'data-overlay="disagree"' not in html
