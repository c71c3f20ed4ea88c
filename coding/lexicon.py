"""What the assist knows besides the gazetteer and the actor registry: how reports name countries (demonyms),
the government periods in ACLED's names of state forces, and the ACLED names of well-known armed groups.
These are data, not rules: a country or group missing here is named generically ("Military Forces of X",
"Unidentified Armed Group (X)") and the coder corrects it."""

from __future__ import annotations

# demonyms and other adjectives that name a country in a report
DEMONYMS: dict[str, str] = {
    "afghan": "AFG", "algerian": "DZA", "american": "USA", "armenian": "ARM", "azerbaijani": "AZE",
    "bangladeshi": "BGD", "beninese": "BEN", "brazilian": "BRA", "burkinabe": "BFA", "burmese": "MMR",
    "burundian": "BDI", "cameroonian": "CMR", "chadian": "TCD", "chinese": "CHN", "colombian": "COL",
    "congolese": "COD", "egyptian": "EGY", "eritrean": "ERI", "ethiopian": "ETH", "french": "FRA",
    "georgian": "GEO", "haitian": "HTI", "indian": "IND", "iranian": "IRN", "iraqi": "IRQ", "israeli": "ISR",
    "ivorian": "CIV", "jordanian": "JOR", "kenyan": "KEN", "korean": "KOR", "south korean": "KOR", "kurdish": "IRQ",
    "lebanese": "LBN", "libyan": "LBY", "malian": "MLI", "mexican": "MEX", "mozambican": "MOZ",
    "nigerian": "NGA", "nigerien": "NER", "pakistani": "PAK", "palestinian": "PSE", "filipino": "PHL",
    "philippine": "PHL", "russian": "RUS", "rwandan": "RWA", "saudi": "SAU", "serbian": "SRB", "somali": "SOM",
    "sudanese": "SDN", "south sudanese": "SSD", "syrian": "SYR", "turkish": "TUR", "ugandan": "UGA",
    "ukrainian": "UKR", "venezuelan": "VEN", "yemeni": "YEM", "emirati": "ARE", "nepali": "NPL",
    "sri lankan": "LKA", "thai": "THA", "peruvian": "PER", "ecuadorian": "ECU", "honduran": "HND",
    "guatemalan": "GTM", "salvadoran": "SLV", "nicaraguan": "NIC", "bolivian": "BOL", "chilean": "CHL",
    "argentine": "ARG", "kosovar": "XKX", "bosnian": "BIH", "montenegrin": "MNE", "albanian": "ALB",
    "georgia's": "GEO", "tunisian": "TUN", "moroccan": "MAR", "senegalese": "SEN", "togolese": "TGO",
    "ghanaian": "GHA", "zimbabwean": "ZWE", "zambian": "ZMB", "tanzanian": "TZA", "angolan": "AGO",
    "indonesian": "IDN", "malaysian": "MYS", "vietnamese": "VNM", "cambodian": "KHM", "japanese": "JPN",
    "german": "DEU", "british": "GBR", "italian": "ITA", "spanish": "ESP", "polish": "POL", "greek": "GRC",
    "ivoirian": "CIV", "guinean": "GIN", "mauritanian": "MRT", "gambian": "GMB",
    "liberian": "LBR", "sierra leonean": "SLE", "central african": "CAF", "gabonese": "GAB",
    "equatorial guinean": "GNQ", "djiboutian": "DJI", "malawian": "MWI", "somalilander": "SOM",
    "jamaican": "JAM", "dominican": "DOM", "cuban": "CUB", "paraguayan": "PRY", "uruguayan": "URY",
    "tajik": "TJK", "uzbek": "UZB", "kyrgyz": "KGZ", "kazakh": "KAZ", "belarusian": "BLR", "moldovan": "MDA",
    "azeri": "AZE", "qatari": "QAT", "kuwaiti": "KWT", "bahraini": "BHR", "omani": "OMN",
}

# the period ACLED writes after a state's forces: the year the government in power took office
GOVERNMENT_SINCE: dict[str, int] = {
    "AFG": 2021, "AGO": 2017, "ARM": 2018, "AZE": 2003, "BDI": 2020, "BEN": 2016, "BFA": 2022, "BGD": 2024,
    "BRA": 2023, "CAF": 2016, "CIV": 2011, "CMR": 1982, "COD": 2019, "COL": 2022, "ECU": 2023, "EGY": 2014,
    "ETH": 2018, "ERI": 1993, "DZA": 2019, "MAR": 1999, "IDN": 2024, "GEO": 2012, "GHA": 2025, "GTM": 2024,
    "HND": 2026, "HTI": 2024, "IND": 2014, "IRN": 1989,
    "IRQ": 2022, "ISR": 2022, "JOR": 1999, "KEN": 2022, "KOR": 2025, "LBN": 2025, "LBY": 2021, "MEX": 2024,
    "MLI": 2021, "MMR": 2021, "MOZ": 2025, "NER": 2023, "NGA": 2023, "PAK": 2024, "PER": 2023, "PHL": 2022,
    "RUS": 2000, "RWA": 1994, "SDN": 2019, "SOM": 2022, "SRB": 2012, "SSD": 2011, "SYR": 2024, "TCD": 2021,
    "TUR": 2016, "UGA": 1986, "UKR": 2019, "USA": 2025, "VEN": 2013, "YEM": 2012, "ZWE": 2017, "TUN": 2019,
    "SLV": 2019, "NIC": 2007, "BOL": 2025, "ARG": 2023, "CHL": 2026, "TGO": 2005, "SEN": 2024, "NPL": 2025,
    "GIN": 2021, "MDG": 2025, "TJK": 1994, "KGZ": 2021,
    "LKA": 2024, "THA": 2024, "PSE": 2007, "SAU": 2015, "ARE": 2022, "FRA": 2017, "CHN": 2012,
}

# ACLED's country names where they differ from the short ISO name
ACLED_COUNTRY: dict[str, str] = {
    "COD": "the Democratic Republic of Congo", "COG": "Republic of Congo", "KOR": "South Korea",
    "PRK": "North Korea", "RUS": "Russia", "SYR": "Syria", "IRN": "Iran", "TZA": "Tanzania", "VEN": "Venezuela",
    "BOL": "Bolivia", "LAO": "Laos", "VNM": "Vietnam", "PSE": "Palestine", "CIV": "Ivory Coast",
    "TUR": "Turkey", "MDA": "Moldova", "SYC": "Seychelles", "USA": "the United States",
    "PHL": "the Philippines", "CAF": "the Central African Republic", "GBR": "the United Kingdom",
    "ARE": "the United Arab Emirates", "NLD": "the Netherlands",
}

# ACLED names of armed groups (type 2 rebels unless said), with the ways reports name them
GROUPS: list[tuple[str, int, tuple[str, ...]]] = [
    ("JNIM: Group for Support of Islam and Muslims", 2,
     ("JNIM", "Group for the Support of Islam and Muslims", "Group for Support of Islam and Muslims",
      "Jama'at Nusrat al-Islam wal-Muslimin")),
    ("Islamic State (Sahel)", 2, ("Islamic State Sahel Province", "Islamic State in the Greater Sahara", "ISGS",
                                  "Islamic State's Sahel", "Islamic State in the Sahel", "Islamic State Sahel",
                                  "IS Sahel", "Islamic State's Greater Sahara")),
    # ACLED splits the West Africa province by faction; the one reports name "ISWAP" is the Lake Chad one
    ("Islamic State (West Africa) - Lake Chad Faction", 2,
     ("ISWAP", "Islamic State West Africa Province", "Islamic State's West Africa Province", "IS-WA", "ISWA",
      "Islamic State's West Africa", "Islamic State in West Africa")),
    ("Ansaroul Islam", 2, ("Ansaroul Islam", "Ansarul Islam")),
    ("CPC: Coalition of Patriots for Change", 2, ("CPC", "Coalition of Patriots for Change")),
    ("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", 2, ("Boko Haram",)),
    ("Al Shabaab", 2, ("al-Shabaab", "al Shabaab", "al-Shabab", "Shabaab")),
    ("M23: March 23 Movement", 2, ("M23", "March 23 Movement", "AFC/M23")),
    ("ADF: Allied Democratic Forces", 2, ("ADF", "Allied Democratic Forces")),
    ("CODECO: Cooperative for Development of Congo", 2, ("CODECO",)),
    ("PKK: Kurdistan Workers Party", 2, ("PKK", "Kurdistan Workers' Party", "Kurdistan Workers Party")),
    ("ELN: National Liberation Army", 2, ("ELN", "National Liberation Army")),
    ("AGC: Gaitanist Self-Defense Forces of Colombia", 2, ("Clan del Golfo", "Gulf Clan", "AGC")),
    ("TTP: Tehreek-i-Taliban Pakistan", 2, ("TTP", "Tehreek-e-Taliban Pakistan", "Tehrik-i-Taliban Pakistan",
                                             "Pakistani Taliban")),
    ("BLA: Balochistan Liberation Army", 2, ("BLA", "Balochistan Liberation Army")),
    ("Hamas Movement", 2, ("Hamas",)),
    ("Hezbollah", 2, ("Hezbollah", "Hizbullah", "Hizballah")),
    ("SDF: Syrian Democratic Forces", 2, ("SDF", "Syrian Democratic Forces")),
    ("SNA: Syrian National Army", 2, ("SNA", "Syrian National Army")),
    ("Ansar Allah", 2, ("Houthis", "Houthi", "Ansar Allah")),
    ("Taliban", 2, ("Taliban",)),
    ("RSF: Rapid Support Forces", 2, ("RSF", "Rapid Support Forces")),
    ("OLA: Oromo Liberation Army", 2, ("OLA", "Oromo Liberation Army")),
    ("AA: Arakan Army", 2, ("Arakan Army",)),
    ("NPA: New People's Army", 2, ("NPA", "New People's Army")),
    ("CPI (Maoist): Communist Party of India (Maoist)", 2, ("CPI (Maoist)", "CPI-Maoist", "Maoists", "Maoist rebels",
                                                           "Naxalites", "Naxals")),
    ("Wagner Group", 8, ("Wagner",)),
]
# "Islamic State" is named after the country it acts in
ISLAMIC_STATE = ("Islamic State", "ISIS", "ISIL", "Daesh")

# regions the gazetteer does not know by name, coded to their centre: name -> (iso3, centre town)
REGION_CENTRES: dict[str, tuple[str, str]] = {
    "Nagorno-Karabakh": ("AZE", "Stepanakert"), "Nagorno Karabakh": ("AZE", "Stepanakert"),
    "Karabakh": ("AZE", "Stepanakert"), "Gaza Strip": ("PSE", "Gaza"), "West Bank": ("PSE", "Ramallah"),
    "Donbas": ("UKR", "Donetsk"), "Kurdistan Region": ("IRQ", "Erbil"),
}
