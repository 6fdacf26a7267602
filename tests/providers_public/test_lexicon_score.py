import pytest

from analysis.providers.public import lexicon


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apple posts record profit, beats estimates", 1.0),  # record: +1; nothing negative
        ("Shares plunge after weak guidance and lawsuit", -1.0),  # plunge, weak, lawsuit: −3
        ("Strong sales offset by a loss in services", 0.0),  # strong +1, loss −1
        ("Strong growth, strong margins, one concern", (2 - 1) / 3),
        ("Results were not good", -1.0),  # a negated positive counts as negative
        ("The company held its annual meeting", 0.0),  # no listed word
        ("", 0.0),
    ],
)
def test_it_scores_worked_examples(text, expected):
    assert lexicon.score(text) == pytest.approx(expected)


def test_it_keeps_the_lists_disjoint():
    assert not lexicon.POSITIVE & lexicon.NEGATIVE
