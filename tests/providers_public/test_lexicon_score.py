"""The Loughran–McDonald subset's sentiment, pinned to examples worked by hand.

score = (positive − negative) / (positive + negative) over listed words; a positive word with
"no", "not", "none", "neither", "never" or "nobody" among the three words before it counts as
negative (analysis/providers/public/lexicon.py).
"""

import pytest

from analysis.providers.public import lexicon


def test_it_counts_a_headline_worked_by_hand():
    text = "Profitable quarter, but not a strong outlook as losses and delays mount"
    # profitable +1; "strong" has "not" two words before it (but, not, a): −1; losses −1, delays −1.
    assert lexicon.counts(text) == (1, 3)
    assert lexicon.score(text) == pytest.approx((1 - 3) / (1 + 3))  # −0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Strong growth, strong margins, one concern", (2 - 1) / 3),  # strong +2, concern −1
        ("Shares slump after weak guidance and litigation", -1.0),  # weak −1, litigation −1; "slump" unlisted
        ("Strong sales offset by a loss in services", 0.0),  # strong +1, loss −1
        ("Results were not good", -1.0),  # "not" one word before "good"
        ("Not that the results were good", 1.0),  # "not" four words before "good": outside the window
        ("No strong, improved margins", -1.0),  # "no" negates both "strong" and "improved"
        ("Results weren't good", 1.0),  # a contraction is not one of the six negators
        ("Not a loss", -1.0),  # negative words are never negated
        ("Apple posts record profit, beats estimates", 0.0),  # "record" is not in the dictionary
        ("The company held its annual meeting", 0.0),  # no listed word
        ("", 0.0),
    ],
)
def test_it_scores_worked_examples(text, expected):
    assert lexicon.score(text) == pytest.approx(expected)


def test_it_keeps_the_lists_disjoint():
    assert not lexicon.POSITIVE & lexicon.NEGATIVE


@pytest.mark.parametrize(
    "word", ["record", "great", "benefit", "plunge", "fall", "drop", "crash", "lawsuit", "fine", "risk"]
)
def test_it_leaves_out_words_the_dictionary_does_not_count_as_tone(word):
    assert word not in lexicon.POSITIVE | lexicon.NEGATIVE
