import pytest

from analysis.providers.demo_fundamentals import _SECTOR_TRAITS
from analysis.providers.public.sectors import sector_of_sic


@pytest.mark.parametrize(
    ("sic", "sector"),
    [
        ("3571", "Information Technology"),  # Apple: electronic computers
        ("3674", "Information Technology"),  # NVIDIA: semiconductors
        ("7372", "Information Technology"),  # Microsoft: prepackaged software
        ("3711", "Consumer Discretionary"),  # Tesla: motor vehicles
        ("6021", "Financials"),  # national commercial banks
        ("2834", "Health Care"),  # pharmaceutical preparations
        ("1311", "Energy"),  # crude petroleum and natural gas
        ("4911", "Utilities"),
        ("6798", "Real Estate"),  # REITs
        ("4813", "Communication Services"),
        ("5331", "Consumer Staples"),  # variety stores
        ("9999", None),
        (None, None),
        ("", None),
    ],
)
def test_it_maps_sic_codes_onto_the_project_sectors(sic, sector):
    assert sector_of_sic(sic) == sector


def test_it_uses_only_sector_names_the_project_knows():
    from analysis.providers.public import sectors

    names = {sector for _, _, sector in sectors._RANGES}
    assert names <= set(_SECTOR_TRAITS) - {None}
