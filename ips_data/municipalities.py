"""Reference data: the 98 Danish municipalities, their regions and map points.

Source: Danmarks Statistik / KL municipality codes (kommunekoder) and the five
region codes. Map points are approximate town-hall coordinates for Region
Hovedstaden, good enough for a bubble map; other regions carry no point.
"""

from __future__ import annotations

from dataclasses import dataclass

REGIONS: dict[int, str] = {
    1081: "Region Nordjylland",
    1082: "Region Midtjylland",
    1083: "Region Syddanmark",
    1084: "Region Hovedstaden",
    1085: "Region Sjælland",
}

_BY_REGION: dict[int, str] = {
    1084: "101 København, 147 Frederiksberg, 151 Ballerup, 153 Brøndby, 155 Dragør, "
    "157 Gentofte, 159 Gladsaxe, 161 Glostrup, 163 Herlev, 165 Albertslund, 167 Hvidovre, "
    "169 Høje-Taastrup, 173 Lyngby-Taarbæk, 175 Rødovre, 183 Ishøj, 185 Tårnby, "
    "187 Vallensbæk, 190 Furesø, 201 Allerød, 210 Fredensborg, 217 Helsingør, 219 Hillerød, "
    "223 Hørsholm, 230 Rudersdal, 240 Egedal, 250 Frederikssund, 260 Halsnæs, 270 Gribskov, "
    "400 Bornholm",
    1085: "253 Greve, 259 Køge, 265 Roskilde, 269 Solrød, 306 Odsherred, 316 Holbæk, "
    "320 Faxe, 326 Kalundborg, 329 Ringsted, 330 Slagelse, 336 Stevns, 340 Sorø, 350 Lejre, "
    "360 Lolland, 370 Næstved, 376 Guldborgsund, 390 Vordingborg",
    1083: "410 Middelfart, 420 Assens, 430 Faaborg-Midtfyn, 440 Kerteminde, 450 Nyborg, "
    "461 Odense, 479 Svendborg, 480 Nordfyns, 482 Langeland, 492 Ærø, 510 Haderslev, "
    "530 Billund, 540 Sønderborg, 550 Tønder, 561 Esbjerg, 563 Fanø, 573 Varde, 575 Vejen, "
    "580 Aabenraa, 607 Fredericia, 621 Kolding, 630 Vejle",
    1082: "615 Horsens, 657 Herning, 661 Holstebro, 665 Lemvig, 671 Struer, 706 Syddjurs, "
    "707 Norddjurs, 710 Favrskov, 727 Odder, 730 Randers, 740 Silkeborg, 741 Samsø, "
    "746 Skanderborg, 751 Aarhus, 756 Ikast-Brande, 760 Ringkøbing-Skjern, 766 Hedensted, "
    "779 Skive, 791 Viborg",
    1081: "773 Morsø, 787 Thisted, 810 Brønderslev, 813 Frederikshavn, 820 Vesthimmerland, "
    "825 Læsø, 840 Rebild, 846 Mariagerfjord, 849 Jammerbugt, 851 Aalborg, 860 Hjørring",
}

_POINTS: dict[int, tuple[float, float]] = {
    101: (55.671, 12.565), 147: (55.679, 12.522), 151: (55.732, 12.358),
    153: (55.643, 12.411), 155: (55.582, 12.628), 157: (55.750, 12.550),
    159: (55.767, 12.433), 161: (55.682, 12.410), 163: (55.733, 12.431),
    165: (55.680, 12.348), 167: (55.632, 12.466), 169: (55.656, 12.249),
    173: (55.785, 12.505), 175: (55.689, 12.448), 183: (55.623, 12.306),
    185: (55.604, 12.596), 187: (55.631, 12.374), 190: (55.783, 12.342),
    201: (55.859, 12.326), 210: (55.950, 12.450), 217: (56.050, 12.500),
    219: (55.923, 12.238), 223: (55.888, 12.486), 230: (55.825, 12.492),
    240: (55.756, 12.228), 250: (55.810, 12.040), 260: (55.968, 11.942),
    270: (56.058, 12.242), 400: (55.124, 14.911),
}


@dataclass(frozen=True)
class Municipality:
    code: int
    name: str
    region_code: int
    lat: float | None
    lon: float | None

    @property
    def region_name(self) -> str:
        return REGIONS[self.region_code]


def _build() -> dict[int, Municipality]:
    out: dict[int, Municipality] = {}
    for region_code, text in _BY_REGION.items():
        for item in text.split(", "):
            code_text, name = item.split(" ", 1)
            code = int(code_text)
            lat, lon = _POINTS.get(code, (None, None))
            out[code] = Municipality(code, name, region_code, lat, lon)
    return dict(sorted(out.items()))


MUNICIPALITIES: dict[int, Municipality] = _build()
MUNICIPALITY_CODES: frozenset[int] = frozenset(MUNICIPALITIES)

#: The municipalities Region Hovedstaden's psychiatry collaborates with on IPS
#: (Region Hovedstaden, "Til fagfolk — Hvad er IPS?", 2024; Tårnby together with Dragør).
HOVEDSTADEN_COLLABORATING: tuple[int, ...] = (
    165, 151, 153, 147, 250, 161, 217, 219, 167, 101, 175, 185, 155,
)


def name_of(code: int) -> str:
    m = MUNICIPALITIES.get(code)
    return m.name if m else str(code)
