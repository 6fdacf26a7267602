"""SEC SIC codes mapped onto the sector names the project uses (the GICS sector names).

SIC predates GICS and its industries do not split the same way, so this is a mapping by
range: the most common GICS sector of each SIC group. Known mismatches: internet companies
under 7370 (Alphabet, Meta) read as Information Technology, not Communication Services.
"""

from __future__ import annotations

IT, DISC, STAPLES, ENERGY = "Information Technology", "Consumer Discretionary", "Consumer Staples", "Energy"
FIN, HEALTH, IND, MAT = "Financials", "Health Care", "Industrials", "Materials"
RE, UTIL, COMM = "Real Estate", "Utilities", "Communication Services"

# (first, last, sector), the narrower ranges first: the first range holding a code wins.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (100, 999, STAPLES),
    (1000, 1099, MAT),
    (1200, 1399, ENERGY),
    (1400, 1499, MAT),
    (1500, 1799, IND),
    (2000, 2199, STAPLES),
    (2200, 2399, DISC),
    (2400, 2499, MAT),
    (2500, 2599, DISC),
    (2600, 2699, MAT),
    (2700, 2799, COMM),
    (2830, 2836, HEALTH),
    (2840, 2844, STAPLES),
    (2800, 2899, MAT),
    (2900, 2999, ENERGY),
    (3000, 3099, MAT),
    (3100, 3199, DISC),
    (3200, 3399, MAT),
    (3400, 3499, IND),
    (3570, 3579, IT),
    (3500, 3599, IND),
    (3630, 3639, DISC),
    (3651, 3652, DISC),
    (3660, 3679, IT),
    (3600, 3699, IND),
    (3710, 3716, DISC),
    (3751, 3751, DISC),
    (3700, 3799, IND),
    (3840, 3851, HEALTH),
    (3800, 3839, IT),
    (3860, 3869, IT),
    (3870, 3999, DISC),
    (4800, 4899, COMM),
    (4900, 4999, UTIL),
    (4000, 4799, IND),
    (5122, 5122, HEALTH),
    (5140, 5149, STAPLES),
    (5000, 5199, IND),
    (5331, 5331, STAPLES),
    (5400, 5499, STAPLES),
    (5912, 5912, STAPLES),
    (5200, 5999, DISC),
    (6500, 6599, RE),
    (6798, 6798, RE),
    (6000, 6799, FIN),
    (7310, 7319, COMM),
    (7370, 7379, IT),
    (7000, 7299, DISC),
    (7300, 7399, IND),
    (7500, 7599, DISC),
    (7800, 7899, COMM),
    (7900, 7999, DISC),
    (8000, 8099, HEALTH),
    (8200, 8299, DISC),
    (8700, 8799, IND),
)


def sector_of_sic(sic: str | int | None) -> str | None:
    """The sector of a four-digit SIC code; None for a missing or unmapped code."""
    try:
        code = int(str(sic).strip())
    except (TypeError, ValueError):
        return None
    return next((sector for first, last, sector in _RANGES if first <= code <= last), None)
