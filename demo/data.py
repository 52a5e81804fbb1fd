"""The data tables behind `manage.py seed_demo`: Gelderland demo data as plain Python literals.

Places, CBS codes, the VO method and the role ladders are real. Every person, e-mail address,
phone number, village hall name and initiative is made up; e-mail addresses use example.nl.
Populations are rounded approximations. Texts are Dutch at B1 level, as the product shows them.
"""

SEED = 2026

# --- associations ------------------------------------------------------------------------------

LVKK = {
    "slug": "lvkk",
    "name": "Landelijke Vereniging Kleine Kernen",
    "short_name": "LVKK",
    "level": "national",
    "province": "",
    "email": "info@lvkk.example.nl",
    "website": "https://www.lvkk.nl",
}
DKK = {
    "slug": "dkk-gelderland",
    "name": "Vereniging Dorpshuizen en Kleine Kernen Gelderland",
    "short_name": "DKK Gelderland",
    "level": "provincial",
    "province": "Gelderland",
    "email": "info@dkkgelderland.example.nl",
    "website": "https://www.dkkgelderland.nl",
}

# --- themes (dorpsgericht werken, plus two that initiatives often name) ------------------------

THEMES = [
    ("basisvoorzieningen", "Basisvoorzieningen", "Basic services"),
    ("maatschappelijk-middenveld", "Maatschappelijk middenveld en initiatief", "Civil society and initiative"),
    ("informatie-ontmoeting", "Informatie, steun en ontmoeting", "Information, support and meeting places"),
    ("wonen-welzijn-zorg", "Wonen, welzijn en zorg", "Housing, welfare and care"),
    (
        "onderwijs-sport-recreatie-cultuur",
        "Onderwijs, sport, recreatie en cultuur",
        "Education, sport, recreation and culture",
    ),
    ("groen-openbare-ruimte", "Groen en openbare ruimte", "Green space and public space"),
    ("duurzaamheid-energie", "Duurzaamheid en energie", "Sustainability and energy"),
]

# --- municipalities, their villages and their fund ---------------------------------------------
# Villages: (name, kind, population, village hall, village-interest organisation (name, kind)).

MUNICIPALITIES = [
    {
        "name": "Doetinchem",
        # Officers decide alone on a contribution up to and including this amount; above it a
        # coordinator approves (the mandate, Municipality.mandate_amount).
        "mandate_amount": 2500,
        "cbs_code": "GM0222",
        "direction_kind": "faciliterend",
        "first_response_working_days": 5,
        "decision_term_weeks": 8,
        "area_code": "0314",
        "role_statement": (
            "Doetinchem doet het samen. Heeft u een idee voor uw dorp of wijk? Dan denken wij graag met u mee. "
            "U houdt zelf de regie over uw plan. Wij helpen met kennis, contacten en soms met geld. "
            "We zeggen eerlijk wat wel en niet kan, en waarom. Zo leren we samen, ook van wat niet lukt."
        ),
        "fund": {
            "name": "Initiatievenfonds Doetinchem",
            "budget": 60000,
            "max_per_initiative": 5000,
            "min_own_share_percent": 30,
            "budget_per_village": None,
            "submit_weeks_before_start": None,
            "min_supporters": 5,
            "description": (
                "Voor plannen van bewoners die hun dorp of wijk leefbaarder maken. U vraagt maximaal 5.000 euro. "
                "U brengt zelf minstens 30 procent in: in geld, in uren of in materiaal. "
                "Laat zien dat de buurt achter het plan staat."
            ),
        },
        "villages": [
            ("Doetinchem", "kern", 45000, "Wijkcentrum De Huet", ("Wijkraad Doetinchem-Centrum", "wijkraad")),
            ("Gaanderen", "dorp", 6100, "Dorpshuis De Wingerd", ("Dorpsraad Gaanderen", "dorpsraad")),
            ("Wehl", "dorp", 6800, "Dorpshuis De Brink", ("Dorpsraad Wehl", "dorpsraad")),
            (
                "Nieuw-Wehl",
                "dorp",
                1700,
                "Dorpshuis De Kastanje",
                ("Vereniging Dorpsbelang Nieuw-Wehl", "dorpsbelangen"),
            ),
            ("Langerak", "wijk", 4200, "Buurthuis Langerak", ("Wijkraad Langerak", "wijkraad")),
            ("Dichteren", "buurtschap", 1200, "Buurthuis De Pol", ("Buurtvereniging Dichteren", "dorpsbelangen")),
        ],
    },
    {
        "name": "Elburg",
        "mandate_amount": 1500,
        "cbs_code": "GM0230",
        "direction_kind": "uitvoeringsgericht",
        "first_response_working_days": 5,
        "decision_term_weeks": 6,
        "area_code": "0525",
        "role_statement": (
            "Wij steunen inwoners die zelf iets willen doen voor Elburg, Doornspijk en 't Harde. "
            "We kijken eerst naar wat er wél kan. Regels zijn er voor de veiligheid, niet om goede ideeën tegen te "
            "houden. Samen spreken we af wie wat doet, en we houden ons aan die afspraken."
        ),
        "fund": {
            "name": "Fonds Kernen Elburg",
            "budget": 20000,
            "max_per_initiative": 2500,
            "min_own_share_percent": 50,
            "budget_per_village": None,
            "submit_weeks_before_start": None,
            "description": (
                "Een bijdrage van maximaal 2.500 euro voor plannen in Elburg, Doornspijk en 't Harde. "
                "De helft van de kosten brengt u zelf in, bijvoorbeeld met sponsors, acties of vrijwilligersuren."
            ),
        },
        "villages": [
            ("Elburg", "kern", 12900, "Buurthuis De Vesting", ("Wijkplatform Elburg", "wijkraad")),
            ("Doornspijk", "dorp", 3100, "Dorpshuis De Mheen", ("Vereniging Dorpsbelang Doornspijk", "dorpsbelangen")),
            ("'t Harde", "dorp", 6200, "Dorpshuis 't Hardehuus", ("Plaatselijk Belang 't Harde", "dorpsbelangen")),
        ],
    },
    {
        "name": "Ermelo",
        "mandate_amount": 2000,
        "cbs_code": "GM0233",
        "direction_kind": "faciliterend",
        "first_response_working_days": 5,
        "decision_term_weeks": 3,
        "area_code": "0341",
        "role_statement": (
            "Ermelo wil een gemeente zijn die loslaat waar het kan en helpt waar het nodig is. "
            "U bedenkt het plan en u voert het uit. Wij zorgen voor korte lijnen met de juiste collega "
            "en een snel besluit: binnen drie weken weet u waar u aan toe bent."
        ),
        "fund": {
            "name": "Initiatievenfonds Ermelo",
            "budget": 25000,
            "max_per_initiative": 3000,
            "min_own_share_percent": 25,
            "budget_per_village": None,
            "submit_weeks_before_start": None,
            "description": (
                "Voor initiatieven die Ermelo, Speuld en Horst mooier, groener of gezelliger maken. "
                "U vraagt maximaal 3.000 euro en betaalt minstens een kwart zelf."
            ),
        },
        "villages": [
            ("Ermelo", "kern", 25500, "Buurthuis De Dialoog", ("Wijkraad Ermelo-Oost", "wijkraad")),
            ("Speuld", "buurtschap", 500, "Schoolhuis Speuld", ("Buurtvereniging Speuld", "dorpsbelangen")),
            ("Horst", "buurtschap", 600, "Buurthuis Horst", ("Belangenvereniging Horst", "dorpsbelangen")),
        ],
    },
    {
        "name": "Harderwijk",
        "mandate_amount": 2500,
        "cbs_code": "GM0243",
        "direction_kind": "beheersgericht",
        "first_response_working_days": 10,
        "decision_term_weeks": 6,
        "area_code": "0341",
        "role_statement": (
            "Het initiatievenloket van Harderwijk en Hierden is er voor iedereen met een goed idee voor de buurt. "
            "Dien uw aanvraag minstens acht weken voor de start in. Binnen twee weken hoort u van ons. "
            "Wij letten erop dat het geld uit het fonds eerlijk wordt verdeeld over de wijken en Hierden."
        ),
        "fund": {
            "name": "Initiatievenfonds Harderwijk",
            "budget": 35000,
            "max_per_initiative": 5000,
            "min_own_share_percent": 25,
            "budget_per_village": None,
            "submit_weeks_before_start": 8,
            "description": (
                "U vraagt maximaal 5.000 euro. Dien uw plan minstens 8 weken voor de start in. "
                "U betaalt minstens 25 procent zelf. Na afloop laat u met foto's en bonnetjes zien wat er is gedaan."
            ),
        },
        "villages": [
            ("Harderwijk", "kern", 43000, "Wijkcentrum Stadsdennen", ("Wijkplatform Stadsdennen", "wijkraad")),
            ("Hierden", "dorp", 2600, "Dorpshuis Het Hierdense Hart", ("Dorpsraad Hierden", "dorpsraad")),
        ],
    },
    {
        "name": "Nunspeet",
        "mandate_amount": 2500,
        "cbs_code": "GM0302",
        "direction_kind": "visionair",
        "first_response_working_days": 5,
        "decision_term_weeks": 4,
        "area_code": "0341",
        "role_statement": (
            "Inwoners van Nunspeet, Elspeet, Vierhouten en Hulshorst weten zelf het best wat hun dorp nodig heeft. "
            "Wij willen dat goede plannen makkelijk van de grond komen. Elk dorp heeft een vaste contactpersoon "
            "bij de gemeente. Binnen vijf werkdagen hoort u wie uw plan oppakt."
        ),
        "fund": {
            "name": "Leefbaarheidsfonds Nunspeet",
            "budget": 45000,
            "max_per_initiative": 5000,
            "min_own_share_percent": 25,
            "budget_per_village": None,
            "submit_weeks_before_start": None,
            "description": (
                "Het Leefbaarheidsfonds helpt plannen die het dorp beter maken om te wonen, te werken en elkaar "
                "te ontmoeten. U vraagt maximaal 5.000 euro. Minstens een kwart brengt u zelf in."
            ),
        },
        "villages": [
            ("Nunspeet", "kern", 21300, "Wijkgebouw De Brake", ("Wijkraad Nunspeet-Noord", "wijkraad")),
            ("Elspeet", "dorp", 4300, "Dorpshuis De Koppel", ("Dorpsbelangen Elspeet", "dorpsbelangen")),
            ("Vierhouten", "dorp", 700, "Dorpshuis De Spil", ("Vereniging Dorpsbelang Vierhouten", "dorpsbelangen")),
            ("Hulshorst", "dorp", 1800, "Dorpshuis De Hulst", ("Dorpsbelangen Hulshorst", "dorpsbelangen")),
        ],
    },
    {
        "name": "Oldebroek",
        "mandate_amount": 1500,
        "cbs_code": "GM0269",
        "direction_kind": "uitvoeringsgericht",
        "first_response_working_days": 5,
        "decision_term_weeks": 8,
        "area_code": "0525",
        "role_statement": (
            "In de kernen van Oldebroek gebeurt veel door vrijwilligers. Daar zijn we trots op. "
            "De gemeente wil die kracht steunen. Elke kern heeft een eigen budget in het Dorpenfonds. "
            "We bespreken uw plan graag eerst samen met de dorpsbelangenorganisatie van uw kern."
        ),
        "fund": {
            "name": "Dorpenfonds Oldebroek",
            "budget": 30000,
            "max_per_initiative": 2500,
            "min_own_share_percent": 40,
            "budget_per_village": 6000,
            "submit_weeks_before_start": None,
            "description": (
                "Elke kern heeft per jaar 6.000 euro. U vraagt maximaal 2.500 euro per plan "
                "en brengt zelf minstens 40 procent in. De dorpsbelangenorganisatie geeft advies over uw plan."
            ),
        },
        "villages": [
            ("Oldebroek", "dorp", 4600, "Dorpshuis De Brink", ("Plaatselijk Belang Oldebroek", "dorpsbelangen")),
            ("Wezep", "kern", 12500, "Ontmoetingscentrum De Wezeper Molen", ("Dorpsraad Wezep", "dorpsraad")),
            ("Hattemerbroek", "dorp", 2400, "Dorpshuis De Zwaluw", ("Dorpsbelangen Hattemerbroek", "dorpsbelangen")),
            (
                "Noordeinde",
                "buurtschap",
                1100,
                "Buurthuis Noordeinde",
                ("Vereniging Belangen Noordeinde", "dorpsbelangen"),
            ),
            ("Oosterwolde", "dorp", 2000, "Dorpshuis De Kruising", ("Dorpsbelangen Oosterwolde", "dorpsbelangen")),
            ("'t Loo", "dorp", 1700, "Dorpshuis 't Loohuus", ("Dorpsbelang 't Loo", "dorpsbelangen")),
        ],
    },
    {
        "name": "Putten",
        "mandate_amount": 1000,
        "cbs_code": "GM0273",
        "direction_kind": "visionair",
        "first_response_working_days": 5,
        "decision_term_weeks": 2,
        "area_code": "0341",
        "role_statement": (
            "Putten is een gemeente van korte lijnen. Heeft u een plan voor uw buurt of buurtschap? "
            "Bel of mail ons gerust. Wij denken mee, brengen u in contact met anderen en helpen met kleine "
            "bedragen uit het leefbaarheidsbudget. Binnen twee weken weet u of wij meebetalen."
        ),
        "fund": {
            "name": "Leefbaarheidsbudget Putten",
            "budget": 15000,
            "max_per_initiative": 2000,
            "min_own_share_percent": 35,
            "budget_per_village": 5000,
            "submit_weeks_before_start": None,
            "description": (
                "Kleine bijdragen voor grote plannen: maximaal 2.000 euro per initiatief en 5.000 euro per kern "
                "of buurtschap per jaar. U brengt zelf minstens 35 procent in."
            ),
        },
        "villages": [
            ("Putten", "kern", 22000, "Buurthuis Het Achterveld", ("Wijkraad Putten-Zuid", "wijkraad")),
            ("Huinen", "buurtschap", 400, "Buurtschuur Huinen", ("Buurtvereniging Huinen", "dorpsbelangen")),
            (
                "Krachtighuizen",
                "buurtschap",
                300,
                "Buurthuis Krachtighuizen",
                ("Buurtvereniging Krachtighuizen", "dorpsbelangen"),
            ),
            (
                "Halvinkhuizen",
                "buurtschap",
                400,
                "Schoolgebouw Halvinkhuizen",
                ("Buurtvereniging Halvinkhuizen", "dorpsbelangen"),
            ),
        ],
    },
]

VILLAGE_DESCRIPTIONS = {
    "Elspeet": "Dorp op de Veluwe, midden in bos en heide. Veel verenigingen en een actieve dorpsbelangenorganisatie.",
    "Vierhouten": "Klein dorp in het bos, met veel toerisme in de zomer. Voorzieningen staan onder druk.",
    "Hulshorst": "Dorp tussen Nunspeet en Harderwijk, langs het spoor en de A28.",
    "Gaanderen": "Dorp aan de Oude IJssel met een eigen winkelcentrum en sterke verenigingen.",
    "Nieuw-Wehl": "Klein dorp waar bewoners veel zelf regelen, zoals zorg voor ouderen.",
    "Doornspijk": "Agrarisch dorp aan de rand van de Veluwe, vlak bij het Veluwemeer.",
    "'t Harde": "Dorp op de Veluwe met een kazerne, veel jonge gezinnen en veel bos.",
    "Hierden": "Dorp bij Harderwijk, met boerderijen langs de Hierdense Beek.",
    "Speuld": "Buurtschap met het bekende Speulderbos.",
    "Hattemerbroek": "Dorp tussen Wezep en Hattem, dicht bij het bedrijventerrein.",
    "Huinen": "Buurtschap in het buitengebied van Putten.",
}

# Extra organisations: (municipality, village, name, kind, description).
EXTRA_ORGANISATIONS = [
    (
        "Nunspeet",
        "Elspeet",
        "Jongerenraad Elspeet",
        "jongerenraad",
        "Jongeren van 14 tot 23 jaar die opkomen voor een plek in het dorp.",
    ),
    (
        "Nunspeet",
        "Nunspeet",
        "Sociale Raad Nunspeet",
        "sociale_raad",
        "Adviseert de gemeente over zorg, welzijn en meedoen.",
    ),
    (
        "Doetinchem",
        "Doetinchem",
        "Adviesraad Sociaal Domein Doetinchem",
        "sociale_raad",
        "Geeft het college gevraagd en ongevraagd advies.",
    ),
    (
        "Doetinchem",
        "Gaanderen",
        "Jongerenraad Gaanderen",
        "jongerenraad",
        "Denkt mee over een ontmoetingsplek voor jongeren.",
    ),
    (
        "Doetinchem",
        "Nieuw-Wehl",
        "Zorgcoöperatie Nieuw-Wehl",
        "overig",
        "Bewoners die hulp en zorg voor ouderen in het dorp organiseren.",
    ),
    (
        "Elburg",
        "'t Harde",
        "Jongerenplatform 't Harde",
        "jongerenraad",
        "Jongeren die zich inzetten voor een eigen plek bij het sportpark.",
    ),
    (
        "Oldebroek",
        "Wezep",
        "Sociaal Platform Oldebroek",
        "sociale_raad",
        "Platform van inwoners over zorg en welzijn in alle kernen.",
    ),
]

# --- people (all invented) ---------------------------------------------------------------------

FIRST_NAMES = [
    "Jan",
    "Gerrit",
    "Henk",
    "Albert",
    "Bert",
    "Evert",
    "Wim",
    "Dirk",
    "Hendrik",
    "Kees",
    "Pieter",
    "Johan",
    "Ruben",
    "Daan",
    "Thijs",
    "Bram",
    "Sander",
    "Martijn",
    "Erik",
    "Arjan",
    "Joost",
    "Niels",
    "Teun",
    "Wouter",
    "Gerda",
    "Janny",
    "Aaltje",
    "Hennie",
    "Riek",
    "Marja",
    "Ineke",
    "Annet",
    "Wilma",
    "Ellen",
    "Anneke",
    "Jolanda",
    "Sanne",
    "Lotte",
    "Iris",
    "Femke",
    "Marloes",
    "Esther",
    "Linda",
    "Nienke",
    "Anouk",
    "Mirjam",
    "Petra",
    "Hilde",
]
LAST_NAMES = [
    "Mulder",
    "Bosch",
    "Brouwer",
    "Hop",
    "Schuurman",
    "van 't Hul",
    "Jansen",
    "de Graaf",
    "Kok",
    "Post",
    "van Dijk",
    "Visser",
    "Westerink",
    "Hoitink",
    "Roelofsen",
    "Wissink",
    "Kuipers",
    "Geurts",
    "Beumer",
    "van de Kamp",
    "Huisman",
    "Klaassen",
    "Rikkert",
    "Bijl",
    "van Essen",
    "Stoffelsen",
    "Koopman",
    "Wolters",
    "ter Horst",
    "Lubbers",
    "Pluim",
    "van Beek",
    "Bronsink",
    "Dijkhuis",
    "Hofman",
    "Wassink",
    "Bakker",
    "van Ark",
    "Vlijm",
    "Lammers",
    "Hendriksen",
    "Bouwman",
    "Smit",
    "van der Veen",
    "Tuinman",
    "Kamphuis",
]

# Demo accounts. Role: superuser, coordinator, contact_officer, facilitator, member.
USERS = [
    {
        "username": "admin",
        "first_name": "Sanne",
        "last_name": "Willemsen",
        "role": "superuser",
    },
    {
        "username": "nunspeet.coordinator",
        "first_name": "Marieke",
        "last_name": "van den Brink",
        "role": "coordinator",
        "municipality": "Nunspeet",
        "job_title": "Coördinator initiatieven",
        "villages": [],
    },
    {
        "username": "nunspeet.officer",
        "first_name": "Gert",
        "last_name": "Schuurman",
        "role": "contact_officer",
        "municipality": "Nunspeet",
        "job_title": "Dorpsregisseur Elspeet en Vierhouten",
        "villages": ["Elspeet", "Vierhouten"],
    },
    {
        "username": "doetinchem.officer",
        "first_name": "Ilse",
        "last_name": "Hendriksen",
        "role": "contact_officer",
        "municipality": "Doetinchem",
        "job_title": "Accountmanager dorpen en wijken",
        "villages": ["Gaanderen", "Wehl", "Nieuw-Wehl", "Langerak", "Dichteren", "Doetinchem"],
    },
    {
        "username": "elburg.officer",
        "first_name": "Jeroen",
        "last_name": "Kok",
        "role": "contact_officer",
        "municipality": "Elburg",
        "job_title": "Contactfunctionaris kernen",
        "villages": ["Elburg", "Doornspijk", "'t Harde"],
    },
    {
        "username": "ermelo.officer",
        "first_name": "Annelies",
        "last_name": "Brouwer",
        "role": "contact_officer",
        "municipality": "Ermelo",
        "job_title": "Dorpsregisseur",
        "villages": ["Ermelo", "Speuld", "Horst"],
    },
    {
        "username": "harderwijk.officer",
        "first_name": "Yusuf",
        "last_name": "Demir",
        "role": "contact_officer",
        "municipality": "Harderwijk",
        "job_title": "Medewerker initiatievenloket",
        "villages": ["Harderwijk", "Hierden"],
    },
    {
        "username": "oldebroek.officer",
        "first_name": "Hennie",
        "last_name": "Rikkert",
        "role": "contact_officer",
        "municipality": "Oldebroek",
        "job_title": "Contactpersoon kernen",
        "villages": ["Oldebroek", "Wezep", "Hattemerbroek", "Noordeinde", "Oosterwolde", "'t Loo"],
    },
    {
        "username": "putten.officer",
        "first_name": "Wilma",
        "last_name": "van de Kamp",
        "role": "contact_officer",
        "municipality": "Putten",
        "job_title": "Accountmanager buurtschappen",
        "villages": ["Putten", "Huinen", "Krachtighuizen", "Halvinkhuizen"],
    },
    # The coordinators of the other municipalities: they approve contributions above the mandate.
    {
        "username": "doetinchem.coordinator",
        "first_name": "Karin",
        "last_name": "Lammers",
        "role": "coordinator",
        "municipality": "Doetinchem",
        "job_title": "Teamleider dorpen en wijken",
        "villages": [],
    },
    {
        "username": "elburg.coordinator",
        "first_name": "Bart",
        "last_name": "van Essen",
        "role": "coordinator",
        "municipality": "Elburg",
        "job_title": "Coördinator kernen",
        "villages": [],
    },
    {
        "username": "ermelo.coordinator",
        "first_name": "Saskia",
        "last_name": "Verbeek",
        "role": "coordinator",
        "municipality": "Ermelo",
        "job_title": "Coördinator initiatieven",
        "villages": [],
    },
    {
        "username": "harderwijk.coordinator",
        "first_name": "Mohamed",
        "last_name": "El Amrani",
        "role": "coordinator",
        "municipality": "Harderwijk",
        "job_title": "Teamleider initiatievenloket",
        "villages": [],
    },
    {
        "username": "oldebroek.coordinator",
        "first_name": "Ria",
        "last_name": "Mulder",
        "role": "coordinator",
        "municipality": "Oldebroek",
        "job_title": "Coördinator kernen",
        "villages": [],
    },
    {
        "username": "putten.coordinator",
        "first_name": "Peter",
        "last_name": "Jansen",
        "role": "coordinator",
        "municipality": "Putten",
        "job_title": "Coördinator buurtschappen",
        "villages": [],
    },
    {
        "username": "dkk.facilitator",
        "first_name": "Femke",
        "last_name": "Wolters",
        "role": "facilitator",
    },
    {
        "username": "doetinchem.member",
        "first_name": "Ellen",
        "last_name": "Wissink",
        "role": "member",
        "municipality": "Doetinchem",
    },
]

# --- village plans -----------------------------------------------------------------------------
# Action rows: (what, how, months from the start of the plan year or None, by whom, status, initiative key).

PLANS = [
    {
        "municipality": "Nunspeet",
        "village": "Elspeet",
        "kind": "dorpsvisie",
        "title": "Dorpsvisie Elspeet 2024: samen dorp blijven",
        "year": 2024,
        "summary": (
            "In 2023 vulden ruim 600 inwoners de enquête in en kwamen 120 mensen naar drie dorpsavonden. "
            "Elspeet wil een levendig dorp blijven met een basisschool, een supermarkt en een dorpshuis. "
            "Speerpunten: plekken voor jong en oud, veilig verkeer en zorg dichtbij."
        ),
        "actions": [
            (
                "Speelplek bij het dorpshuis vernieuwen",
                "Ouders maken samen met Dorpsbelangen een plan en vragen geld aan bij het Leefbaarheidsfonds.",
                6,
                "Dorpsbelangen Elspeet met ouders",
                "done",
                "speeltuin",
            ),
            (
                "AED bereikbaar voor iedereen, ook 's nachts",
                "Een AED in een buitenkast aan het dorpshuis en een reanimatiecursus voor buurtbewoners.",
                9,
                "Dorpshuis De Koppel",
                "done",
                "aed",
            ),
            (
                "Een eigen plek voor jongeren",
                "In gesprek met de Jongerenraad over een ontmoetingsplek bij het sportveld.",
                15,
                "Jongerenraad Elspeet",
                "in_progress",
                "jop",
            ),
            (
                "Veilige oversteek bij de school",
                "Samen met de gemeente kijken naar drempels en een zebrapad.",
                18,
                "Dorpsbelangen Elspeet en gemeente",
                "planned",
                None,
            ),
        ],
    },
    {
        "municipality": "Nunspeet",
        "village": "Elspeet",
        "kind": "uitvoeringsplan",
        "title": "Uitvoeringsplan Elspeet 2025-2026",
        "year": 2025,
        "summary": "Wat we de komende twee jaar doen uit de dorpsvisie: wat, hoe, wanneer en door wie.",
        "actions": [
            (
                "Moestuin voor school en buurt",
                "De basisschool en de vrijwilligers van het dorpshuis beginnen een moestuin.",
                4,
                "Werkgroep Groen Elspeet",
                "in_progress",
                "moestuin",
            ),
            (
                "Kerstmarkt op het dorpsplein",
                "Een werkgroep van ondernemers en Dorpsbelangen organiseert de markt.",
                11,
                "Ondernemersvereniging Elspeet",
                "planned",
                "kerstmarkt",
            ),
            (
                "Bankjes langs het ommetje rond het dorp",
                "Vijf bankjes op plekken die ouderen zelf hebben gekozen.",
                14,
                "Dorpsbelangen Elspeet",
                "dropped",
                None,
            ),
        ],
    },
    {
        "municipality": "Doetinchem",
        "village": "Gaanderen",
        "kind": "ontwikkelingsplan",
        "title": "Dorpsontwikkelingsplan Gaanderen: wat werkt",
        "year": 2024,
        "summary": (
            "Gebouwd op cijfers over bevolking en voorzieningen, op kennis van verenigingen en op de ervaring "
            "van bewoners. Drie lijnen: ontmoeten, spelen en bewegen, en zorg voor elkaar."
        ),
        "actions": [
            (
                "Speeltuin aan de Kerkstraat opknappen",
                "Buurtouders en de dorpsraad voeren het uit met steun uit het Initiatievenfonds.",
                5,
                "Dorpsraad Gaanderen",
                "done",
                "speeltuin",
            ),
            (
                "Dorpshuiscafé als huiskamer van het dorp",
                "Vrijwilligers openen het café in De Wingerd op vaste middagen.",
                12,
                "Dorpshuis De Wingerd",
                "in_progress",
                "dorpshuiscafe",
            ),
            (
                "Repair café",
                "Vrijwilligers repareren één zaterdag per maand spullen van dorpsgenoten.",
                10,
                "Werkgroep Duurzaam Gaanderen",
                "dropped",
                "repaircafe",
            ),
        ],
    },
]

# --- initiatives -------------------------------------------------------------------------------
# Templates: the same good idea shows up in more than one village. {village} and {hall} are filled in.
# costs: (description, euros). asks: help flags. org: which village organisation carries it.

INITIATIVE_TEMPLATES = {
    "speeltuin": {
        "title": "Speeltuin {village} opknappen",
        "goal": "Een veilige en uitdagende speeltuin voor kinderen tot 12 jaar, waar ouders elkaar ook ontmoeten.",
        "description": (
            "De speeltoestellen zijn oud en twee ervan zijn vorig jaar afgekeurd. Wij willen samen met ouders "
            "twee nieuwe toestellen plaatsen, de zandbak vernieuwen en een bankje voor ouders neerzetten. "
            "Ouders en grootouders helpen op twee zaterdagen mee met graven en plaatsen."
        ),
        "target_group": "Kinderen tot 12 jaar en hun ouders en grootouders",
        "themes": ["onderwijs-sport-recreatie-cultuur", "groen-openbare-ruimte"],
        "costs": [
            ("Speeltoestellen (duikelrek en wipkip)", 3200),
            ("Valondergrond en zand", 1400),
            ("Bankje en afvalbak", 650),
            ("Huur minigraver", 350),
        ],
        "asks": ["money", "permits"],
        "hours": 120,
        "materials": "Gereedschap, een aanhanger en koffie van de buurt.",
        "support": (
            "Handtekeningen van 46 huishoudens. Eén buurman had zorgen over geluid; we hebben met hem "
            "gepraat en het bankje verplaatst."
        ),
        "permits": "De speeltuin ligt op gemeentegrond. We vragen toestemming en een keuring van de toestellen.",
        "maintenance": "Zes ouders lopen elke maand een rondje en melden gebreken bij de gemeente.",
        "org": "dbo",
        "role": "faciliteren",
    },
    "jeu_de_boules": {
        "title": "Jeu-de-boulesbaan bij {hall}",
        "goal": "Een plek waar ouderen en jongeren samen buiten bewegen en elkaar ontmoeten.",
        "description": (
            "Naast het dorpshuis ligt een stuk grasveld dat bijna niet wordt gebruikt. Daar willen we een "
            "jeu-de-boulesbaan van twee banen aanleggen, met een bank en een lamp. De baan is vrij te gebruiken. "
            "Op dinsdagmiddag organiseert het dorpshuis een vaste speelmiddag met koffie."
        ),
        "target_group": "Ouderen, gezinnen en iedereen die graag buiten is",
        "themes": ["onderwijs-sport-recreatie-cultuur", "informatie-ontmoeting"],
        "costs": [
            ("Grind, zand en kantopsluiting", 1850),
            ("Twee bankjes", 640),
            ("Buitenlamp met bewegingssensor", 420),
            ("Set boules en meetlint", 160),
        ],
        "asks": ["money", "space"],
        "hours": 80,
        "materials": "Een loonwerker uit het dorp brengt het grind gratis.",
        "support": "De ouderenbond en de buurtvereniging staan erachter. Op de dorpsavond waren 38 mensen enthousiast.",
        "permits": "Geen vergunning nodig, wel toestemming van de eigenaar van de grond.",
        "maintenance": "De vrijwilligers van het dorpshuis houden de baan schoon en onkruidvrij.",
        "org": "hall",
        "role": "faciliteren",
    },
    "aed": {
        "title": "AED aan de buitenmuur van {hall}",
        "goal": "Bij een hartstilstand is er binnen zes minuten een AED, ook 's avonds en in het weekend.",
        "description": (
            "De dichtstbijzijnde AED hangt binnen in de sporthal en is 's nachts niet te pakken. "
            "Wij willen een AED in een verwarmde buitenkast aan het dorpshuis hangen en aanmelden bij HartslagNu. "
            "Twintig buurtbewoners volgen een reanimatiecursus, zodat er altijd iemand in de buurt is."
        ),
        "target_group": "Alle inwoners en bezoekers van het dorp",
        "themes": ["basisvoorzieningen", "wonen-welzijn-zorg"],
        "costs": [
            ("AED met verwarmde buitenkast", 2150),
            ("Aansluiting stroom door elektricien", 250),
            ("Reanimatiecursus voor 20 personen", 600),
        ],
        "asks": ["money", "network"],
        "hours": 40,
        "materials": "Het dorpshuis betaalt de stroom en de jaarlijkse controle.",
        "support": (
            "EHBO-vereniging, dorpshuis en de huisarts steunen het plan. 24 mensen willen burgerhulpverlener worden."
        ),
        "permits": "Geen vergunning nodig.",
        "maintenance": "De beheerder van het dorpshuis controleert de AED elke maand en vervangt de pads op tijd.",
        "org": "hall",
        "role": "faciliteren",
    },
    "zorgcooperatie": {
        "title": "Zorgcoöperatie {village} opzetten",
        "goal": "Ouderen kunnen langer in het eigen dorp blijven wonen, met hulp van dorpsgenoten.",
        "description": (
            "Steeds meer ouderen hebben hulp nodig bij boodschappen, vervoer of een klusje. De zorg in de stad "
            "is ver weg. "
            "Met een groep inwoners willen we een zorgcoöperatie oprichten. Vrijwilligers en een betaalde "
            "dorpsondersteuner brengen vraag en aanbod bij elkaar. We werken samen met de thuiszorg en de huisarts."
        ),
        "target_group": "Ouderen en mantelzorgers in het dorp",
        "themes": ["wonen-welzijn-zorg", "maatschappelijk-middenveld"],
        "costs": [
            ("Notaris en oprichting coöperatie", 950),
            ("Informatieavonden en folder", 650),
            ("Training vrijwilligers", 1200),
            ("Eerste jaar telefoon en website", 700),
        ],
        "asks": ["advice", "money", "network", "process"],
        "hours": 300,
        "materials": "Een kantoortje in het dorpshuis, gratis van het bestuur.",
        "support": (
            "Op de informatieavond waren 85 mensen. 40 huishoudens willen lid worden, 18 mensen willen "
            "vrijwilliger zijn."
        ),
        "permits": "Geen vergunning. Wel afspraken met de gemeente over de Wmo.",
        "maintenance": "De coöperatie draait op contributie van leden en bijdragen van de zorgverzekeraar.",
        "org": "dbo",
        "role": "stimuleren",
    },
    "dorpshuiscafe": {
        "title": "Dorpshuiscafé in {hall} op woensdagmiddag",
        "goal": "Een vaste plek om elkaar te ontmoeten, vooral voor wie alleen woont.",
        "description": (
            "Elke woensdagmiddag gaat het café in het dorpshuis open. Er is koffie, een krant, soms een spel "
            "of een praatje met de wijkverpleegkundige. Vrijwilligers schenken. We willen een goede koffiemachine "
            "en een gezellige hoek met stoelen en een boekenkast."
        ),
        "target_group": "Ouderen, mensen die alleen wonen en nieuwe inwoners",
        "themes": ["informatie-ontmoeting", "wonen-welzijn-zorg"],
        "costs": [("Koffiemachine", 1250), ("Stoelen, tafeltjes en boekenkast", 980), ("Flyers en poster", 190)],
        "asks": ["money", "network"],
        "hours": 150,
        "materials": "Boeken en spellen van dorpsgenoten.",
        "support": "Twaalf vrijwilligers hebben zich al gemeld. De ouderenbond doet mee.",
        "permits": "Geen vergunning nodig; het dorpshuis heeft een drankvergunning.",
        "maintenance": "Het dorpshuis beheert de spullen. De vrijwilligers maken een rooster.",
        "org": "hall",
        "role": "loslaten",
    },
    "ommetje": {
        "title": "Ommetje rond {village}",
        "goal": "Een wandelroute van vijf kilometer rond het dorp, met bankjes en informatie over de omgeving.",
        "description": (
            "Veel mensen wandelen graag, maar langs de weg is het niet veilig. Wij willen een ommetje maken over "
            "bestaande paden en een stukje boerenland. We zetten paaltjes met pijlen, drie bankjes en twee borden "
            "met verhalen over het dorp. Boeren in de buurt willen een strook land beschikbaar stellen."
        ),
        "target_group": "Wandelaars, ouderen en gezinnen uit het dorp",
        "themes": ["groen-openbare-ruimte", "onderwijs-sport-recreatie-cultuur"],
        "costs": [
            ("Routepaaltjes en pijlen", 780),
            ("Drie bankjes", 1050),
            ("Informatieborden", 1100),
            ("Houtsnippers voor het pad", 620),
        ],
        "asks": ["money", "permits", "network"],
        "hours": 110,
        "materials": "Een boer maait het pad en levert de houtsnippers tegen kostprijs.",
        "support": "Vier grondeigenaren hebben toestemming gegeven. De historische vereniging schrijft de teksten.",
        "permits": "Toestemming nodig voor paaltjes in de berm van de gemeente.",
        "maintenance": "De werkgroep loopt elk kwartaal de route na en houdt het pad open.",
        "org": "dbo",
        "role": "faciliteren",
    },
    "moestuin": {
        "title": "Buurtmoestuin in {village}",
        "goal": "Samen groenten kweken, elkaar leren kennen en kinderen laten zien waar eten vandaan komt.",
        "description": (
            "Achter de basisschool ligt een braakliggend stuk grond. Daar willen wij een moestuin maken met "
            "twaalf bakken, een kas en een regenton. Schoolklassen krijgen een eigen bak. "
            "Buurtbewoners zorgen in de vakanties voor de tuin."
        ),
        "target_group": "Kinderen van de basisschool en buurtbewoners",
        "themes": ["groen-openbare-ruimte", "onderwijs-sport-recreatie-cultuur", "duurzaamheid-energie"],
        "costs": [
            ("Twaalf moestuinbakken", 1450),
            ("Kleine kas", 950),
            ("Regentonnen en gereedschap", 380),
            ("Zaden en plantjes eerste jaar", 220),
        ],
        "asks": ["money", "space"],
        "hours": 160,
        "materials": "Compost van de kinderboerderij, houtresten van een timmerman uit het dorp.",
        "support": "De school, de ouderraad en 22 buurtbewoners doen mee.",
        "permits": "Toestemming van de gemeente om de grond te gebruiken.",
        "maintenance": "Een rooster van vrijwilligers. De school neemt de bakken van de klassen voor haar rekening.",
        "org": None,
        "role": "faciliteren",
    },
    "bankjes": {
        "title": "Bankjes langs de wandelroutes in {village}",
        "goal": "Ouderen kunnen weer een blokje om, omdat er onderweg plekken zijn om uit te rusten.",
        "description": (
            "Ouderen vertellen dat ze minder gaan wandelen, omdat ze onderweg nergens kunnen zitten. "
            "Samen met hen hebben we zes plekken gekozen. Daar willen we stevige bankjes neerzetten."
        ),
        "target_group": "Ouderen en mensen die slecht ter been zijn",
        "themes": ["groen-openbare-ruimte", "wonen-welzijn-zorg"],
        "costs": [("Zes bankjes", 2340), ("Betonpoeren en plaatsen", 480)],
        "asks": ["money", "permits"],
        "hours": 40,
        "materials": "Een aannemer uit het dorp plaatst de bankjes tegen kostprijs.",
        "support": "Wandeling met 15 ouderen om de plekken te kiezen; alle aanwonenden zijn gevraagd.",
        "permits": "Toestemming voor bankjes op gemeentegrond.",
        "maintenance": "De gemeente neemt de bankjes op in het onderhoud; de buurt meldt schade.",
        "org": "dbo",
        "role": "faciliteren",
    },
    "kerstmarkt": {
        "title": "Kerstmarkt op het dorpsplein van {village}",
        "goal": "Een gezellige avond voor het hele dorp, waarbij verenigingen zich laten zien.",
        "description": (
            "Op de zaterdag voor kerst willen we een kerstmarkt houden met twintig kraampjes van verenigingen, "
            "de school en ondernemers. Er is muziek van de fanfare en glühwein. De opbrengst gaat naar het dorpshuis."
        ),
        "target_group": "Alle inwoners van het dorp en de omgeving",
        "themes": ["onderwijs-sport-recreatie-cultuur", "maatschappelijk-middenveld"],
        "costs": [
            ("Huur kraampjes", 1400),
            ("Verlichting en stroom", 650),
            ("Verkeersregelaars en hekken", 500),
            ("Muziek en versiering", 450),
        ],
        "asks": ["money", "permits"],
        "hours": 200,
        "materials": "Verenigingen bemannen de kraampjes zelf.",
        "support": "Achttien verenigingen en ondernemers hebben zich al opgegeven.",
        "permits": "Evenementenvergunning en een ontheffing voor het afsluiten van de straat.",
        "maintenance": "Niet van toepassing: eenmalig evenement, wel ieder jaar terug als het lukt.",
        "org": "dbo",
        "role": "reguleren",
    },
    "jop": {
        "title": "Jongerenontmoetingsplek in {village}",
        "goal": "Jongeren hebben een eigen plek in het dorp, waar ze mogen zijn en niemand tot last zijn.",
        "description": (
            "Jongeren hangen nu bij de supermarkt en dat geeft soms gedoe. Wij, de jongeren zelf, willen een "
            "overkapping met bankjes en verlichting bij het sportveld. We hebben zelf een tekening gemaakt "
            "en zijn met de buren gaan praten. We maken afspraken over afval en tijden."
        ),
        "target_group": "Jongeren van 12 tot 20 jaar",
        "themes": ["onderwijs-sport-recreatie-cultuur", "informatie-ontmoeting"],
        "costs": [
            ("Overkapping met zitbanken", 3900),
            ("Verlichting op zonne-energie", 850),
            ("Afvalbak en fietsenrek", 450),
        ],
        "asks": ["money", "permits", "space", "process"],
        "hours": 90,
        "materials": "De voetbalclub helpt met het fundament.",
        "support": (
            "Handtekeningen van 64 jongeren. Twee buren zijn bang voor overlast; we hebben een afsprakenlijst gemaakt."
        ),
        "permits": "Omgevingsvergunning voor de overkapping.",
        "maintenance": "De jongerenraad ruimt elke week op; de voetbalclub kijkt mee.",
        "org": "youth",
        "role": "regisseren",
    },
    "energie": {
        "title": "Energiecoöperatie {village}: zonnepanelen op het dak van de sporthal",
        "goal": "Samen duurzame stroom opwekken en de opbrengst gebruiken voor het dorp.",
        "description": (
            "Het dak van de sporthal is groot en ligt op het zuiden. Een groep inwoners wil een energiecoöperatie "
            "oprichten en daar 300 zonnepanelen leggen. Inwoners kunnen meedoen met een certificaat. "
            "Eerst moet er een haalbaarheidsonderzoek komen naar het dak, de aansluiting en de financiën."
        ),
        "target_group": "Alle huishoudens in het dorp, ook huurders",
        "themes": ["duurzaamheid-energie", "maatschappelijk-middenveld"],
        "costs": [
            ("Haalbaarheidsonderzoek door adviesbureau", 3800),
            ("Constructieberekening dak", 1200),
            ("Informatieavonden", 400),
        ],
        "asks": ["advice", "money", "network", "permits"],
        "hours": 250,
        "materials": "Een ingenieur uit het dorp kijkt gratis mee.",
        "support": "Op de informatieavond gaven 70 huishoudens aan dat ze mee willen doen.",
        "permits": "Toestemming van de gemeente als eigenaar van de sporthal en een netaansluiting.",
        "maintenance": "De coöperatie onderhoudt de panelen en verzekert ze.",
        "org": "dbo",
        "role": "stimuleren",
    },
    "buurtbus": {
        "title": "Buurtbus tussen {village} en het centrum",
        "goal": "Mensen zonder auto kunnen weer zelf naar de dokter, de supermarkt en het station.",
        "description": (
            "De lijnbus rijdt niet meer door het dorp. Met vrijwillige chauffeurs willen we op werkdagen een "
            "buurtbus laten rijden. Het vervoerbedrijf levert de bus; wij regelen de chauffeurs en de dienstregeling."
        ),
        "target_group": "Ouderen, jongeren en iedereen zonder auto",
        "themes": ["basisvoorzieningen", "wonen-welzijn-zorg"],
        "costs": [
            ("Opleiding en rijvaardigheidstoets chauffeurs", 1800),
            ("Haltepalen en dienstregeling", 900),
            ("Promotie", 300),
        ],
        "asks": ["money", "network", "process"],
        "hours": 400,
        "materials": "Een garage in het dorp stalt de bus gratis.",
        "support": "Zestien mensen willen chauffeur worden. 120 handtekeningen van inwoners.",
        "permits": "Afspraken met de provincie en het vervoerbedrijf.",
        "maintenance": "De buurtbusvereniging regelt de planning; het vervoerbedrijf onderhoudt de bus.",
        "org": "dbo",
        "role": "regisseren",
    },
    "park_uitdaagrecht": {
        "title": "Uitdaagrecht: onderhoud van het dorpspark in {village} door bewoners",
        "goal": (
            "Bewoners onderhouden het park zelf, beter en met meer bloemen, met het budget dat de "
            "gemeente er nu aan uitgeeft."
        ),
        "description": (
            "Wij vragen de gemeente om het onderhoud van het park aan ons over te dragen. Wij maaien, snoeien en "
            "planten, met een vaste groep van vijftien vrijwilligers en hulp van een hovenier voor zwaar werk. "
            "We willen het maaibudget van de gemeente gebruiken voor gereedschap, planten en de hovenier."
        ),
        "target_group": "Buurtbewoners en iedereen die het park gebruikt",
        "themes": ["groen-openbare-ruimte", "maatschappelijk-middenveld"],
        "costs": [
            ("Gereedschap en aanhanger", 1600),
            ("Bloembollen en vaste planten", 900),
            ("Inhuur hovenier voor zwaar snoeiwerk", 1500),
        ],
        "asks": ["money", "permits", "process"],
        "hours": 600,
        "materials": "Vrijwilligers nemen eigen gereedschap mee.",
        "support": "De bewonersvereniging stemde voor; 80 omwonenden tekenden de steunbetuiging.",
        "permits": "Een beheerovereenkomst met de gemeente, met afspraken over veiligheid en verzekering.",
        "maintenance": "Dat is het plan zelf: we nemen het onderhoud voor drie jaar over.",
        "org": "dbo",
        "role": "loslaten",
        "right_to_challenge": True,
    },
    "gymzaal_uitdaagrecht": {
        "title": "Uitdaagrecht: beheer van de gymzaal in {village} door de dorpsvereniging",
        "goal": "De gymzaal blijft open voor verenigingen, ook 's avonds, doordat bewoners het beheer overnemen.",
        "description": (
            "De gemeente wil bezuinigen op het beheer van de gymzaal. Wij willen het beheer overnemen: "
            "sleutels, verhuur, schoonmaak en kleine reparaties. Zo blijft de zaal beschikbaar voor de "
            "gymvereniging, het koor en de ouderengym."
        ),
        "target_group": "Verenigingen en inwoners die sporten",
        "themes": ["onderwijs-sport-recreatie-cultuur", "maatschappelijk-middenveld", "basisvoorzieningen"],
        "costs": [
            ("Sleutelkluis en toegangssysteem", 1400),
            ("Schoonmaakmiddelen en materiaal eerste jaar", 800),
            ("Cursus beheer en BHV", 700),
        ],
        "asks": ["money", "advice", "process"],
        "hours": 500,
        "materials": "",
        "support": "Zes verenigingen die de zaal gebruiken tekenden een intentieverklaring.",
        "permits": "Een beheerovereenkomst met de gemeente.",
        "maintenance": "Groot onderhoud blijft bij de gemeente; dagelijks beheer bij de vereniging.",
        "org": "dbo",
        "role": "loslaten",
        "right_to_challenge": True,
    },
    "huiskamer": {
        "title": "Huiskamer voor ouderen in {village}",
        "goal": "Ouderen die eenzaam zijn, hebben twee ochtenden per week een warme plek met aandacht en een maaltijd.",
        "description": (
            "Vrijwilligers openen twee ochtenden per week een huiskamer. Er is koffie, een activiteit en een "
            "eenvoudige lunch. De wijkverpleegkundige en de ouderenadviseur komen regelmatig langs."
        ),
        "target_group": "Ouderen die alleen wonen of weinig contact hebben",
        "themes": ["wonen-welzijn-zorg", "informatie-ontmoeting"],
        "costs": [
            ("Keukenspullen en servies", 700),
            ("Materiaal voor activiteiten", 600),
            ("Boodschappen lunch eerste half jaar", 1400),
        ],
        "asks": ["money", "network", "space"],
        "hours": 350,
        "materials": "Een ruimte in de kerk, gratis te gebruiken.",
        "support": "Huisarts en wijkteam sturen mensen door. Tien vrijwilligers staan klaar.",
        "permits": "Geen vergunning nodig.",
        "maintenance": "De deelnemers betalen een kleine bijdrage voor de lunch.",
        "org": None,
        "role": "faciliteren",
    },
    "repaircafe": {
        "title": "Repair café in {village}",
        "goal": "Minder weggooien en elkaar helpen: dorpsgenoten repareren samen kapotte spullen.",
        "description": (
            "Eén zaterdag per maand zitten handige vrijwilligers klaar om kapotte spullen te repareren: "
            "fietsen, lampen, kleding en kleine apparaten. Bezoekers drinken koffie en kijken mee."
        ),
        "target_group": "Alle inwoners",
        "themes": ["duurzaamheid-energie", "informatie-ontmoeting"],
        "costs": [("Gereedschap en meetapparatuur", 900), ("Werktafels", 450), ("Promotie", 150)],
        "asks": ["money", "space"],
        "hours": 120,
        "materials": "Vrijwilligers brengen eigen gereedschap mee.",
        "support": "Acht reparateurs hebben zich gemeld.",
        "permits": "Geen vergunning nodig.",
        "maintenance": "De vrijwilligers zorgen zelf voor het gereedschap.",
        "org": "hall",
        "role": "loslaten",
    },
    "beweegtuin": {
        "title": "Beweegtuin voor ouderen in {village}",
        "goal": "Ouderen blijven fit en ontmoeten elkaar buiten, met begeleiding van een fysiotherapeut.",
        "description": (
            "Bij het woonzorgcentrum willen we vijf beweegtoestellen plaatsen. Een fysiotherapeut geeft "
            "elke week een gratis les. Iedereen mag de toestellen gebruiken, ook jongere buurtbewoners."
        ),
        "target_group": "Ouderen en buurtbewoners",
        "themes": ["wonen-welzijn-zorg", "onderwijs-sport-recreatie-cultuur"],
        "costs": [("Vijf beweegtoestellen", 5200), ("Plaatsen en ondergrond", 1300), ("Bord met oefeningen", 300)],
        "asks": ["money", "permits", "network"],
        "hours": 70,
        "materials": "De fysiotherapeut geeft het eerste jaar gratis les.",
        "support": "Het woonzorgcentrum, de ouderenbond en 55 bewoners steunen het plan.",
        "permits": "Toestemming voor plaatsing op gemeentegrond.",
        "maintenance": "Het woonzorgcentrum neemt de toestellen op in het onderhoudscontract.",
        "org": None,
        "role": "faciliteren",
    },
    "boomfeestdag": {
        "title": "Vijftig bomen planten met de basisschool in {village}",
        "goal": "Meer groen en schaduw in het dorp, en kinderen leren over bomen.",
        "description": (
            "Op de Nationale Boomfeestdag willen de kinderen van groep 5 tot en met 8 samen met buurtbewoners "
            "vijftig bomen planten langs het fietspad. Elke klas adopteert een paar bomen."
        ),
        "target_group": "Kinderen van de basisschool en buurtbewoners",
        "themes": ["groen-openbare-ruimte", "duurzaamheid-energie", "onderwijs-sport-recreatie-cultuur"],
        "costs": [("Vijftig bomen met boompalen", 1750), ("Plantgoed en mest", 250)],
        "asks": ["money", "permits", "space"],
        "hours": 60,
        "materials": "Schoppen en kruiwagens van de buitendienst.",
        "support": "De school en de ouderraad doen mee; aanwonenden zijn blij met meer schaduw.",
        "permits": "Toestemming voor planten in de berm.",
        "maintenance": "De gemeente geeft de eerste twee zomers water; klassen kijken mee.",
        "org": None,
        "role": "faciliteren",
    },
    "verkeer": {
        "title": "Veilige schoolroute in {village}",
        "goal": "Kinderen kunnen veilig naar school fietsen en lopen.",
        "description": (
            "Auto's rijden te hard door de dorpsstraat, vooral 's ochtends. Wij vragen om een snelheidsdisplay, "
            "een 30-kilometerzone bij de school en schoolzonemarkering. Ouders willen zelf verkeersbrigadiers leveren."
        ),
        "target_group": "Schoolkinderen en hun ouders",
        "themes": ["basisvoorzieningen", "groen-openbare-ruimte"],
        "costs": [("Snelheidsdisplay", 3200), ("Schoolzonemarkering", 1800)],
        "asks": ["permits", "advice", "money"],
        "hours": 50,
        "materials": "",
        "support": "Handtekeningen van 140 ouders en buurtbewoners.",
        "permits": "Een verkeersbesluit van de gemeente.",
        "maintenance": "De gemeente beheert de borden en het display.",
        "org": "dbo",
        "role": "reguleren",
    },
    "dorpsvisie": {
        "title": "Nieuwe dorpsvisie voor {village}",
        "goal": "Samen met alle inwoners bepalen wat het dorp de komende tien jaar nodig heeft.",
        "description": (
            "De vorige dorpsvisie is twaalf jaar oud. We willen een enquête houden, drie dorpsavonden "
            "organiseren en cijfers verzamelen over bevolking en voorzieningen. Een procesbegeleider helpt ons. "
            "Het resultaat is een dorpsvisie met een uitvoeringsplan: wat, hoe, wanneer en door wie."
        ),
        "target_group": "Alle inwoners van het dorp",
        "themes": ["maatschappelijk-middenveld", "informatie-ontmoeting"],
        "costs": [
            ("Procesbegeleiding", 2400),
            ("Enquête drukken en verwerken", 700),
            ("Dorpsavonden", 500),
            ("Vormgeving en drukwerk dorpsvisie", 900),
        ],
        "asks": ["advice", "money", "process"],
        "hours": 220,
        "materials": "Zaalhuur is gratis in het dorpshuis.",
        "support": "De algemene ledenvergadering van dorpsbelangen stemde in.",
        "permits": "Geen vergunning nodig.",
        "maintenance": "Dorpsbelangen bespreekt de voortgang elk jaar met de gemeente.",
        "org": "dbo",
        "role": "faciliteren",
    },
    "ledverlichting": {
        "title": "Ledverlichting en isolatie voor {hall}",
        "goal": "Het dorpshuis bespaart energie, zodat de huur voor verenigingen laag kan blijven.",
        "description": (
            "De energierekening van het dorpshuis is in twee jaar bijna verdubbeld. We willen alle lampen "
            "vervangen door led en de vloer van de grote zaal isoleren. Vrijwilligers doen het sloopwerk."
        ),
        "target_group": "Verenigingen en bezoekers van het dorpshuis",
        "themes": ["duurzaamheid-energie", "basisvoorzieningen"],
        "costs": [("Ledverlichting grote en kleine zaal", 2600), ("Vloerisolatie", 3400), ("Energieadvies", 450)],
        "asks": ["money", "advice"],
        "hours": 90,
        "materials": "",
        "support": "Alle vaste gebruikers van het dorpshuis steunen het plan.",
        "permits": "Geen vergunning nodig.",
        "maintenance": "Het dorpshuisbestuur.",
        "org": "hall",
        "role": "faciliteren",
    },
    "voetbalkooi": {
        "title": "Voetbalkooi in {village}",
        "goal": "Kinderen en jongeren kunnen dichtbij huis voetballen en sporten.",
        "description": (
            "In onze wijk is geen plek om te voetballen. We willen een voetbalkooi op het grasveld midden in de wijk. "
            "Een sponsor betaalt een deel."
        ),
        "target_group": "Kinderen en jongeren van 6 tot 16 jaar",
        "themes": ["onderwijs-sport-recreatie-cultuur"],
        "costs": [("Voetbalkooi", 14500), ("Kunstgrasondergrond", 6500)],
        "asks": ["money", "permits", "space"],
        "hours": 30,
        "materials": "",
        "support": "Handtekeningen van 38 kinderen. Een deel van de omwonenden is tegen vanwege geluid.",
        "permits": "Omgevingsvergunning.",
        "maintenance": "Nog niet geregeld.",
        "org": None,
        "role": "reguleren",
    },
    "pluktuin": {
        "title": "Pluktuin en bijenlint in {village}",
        "goal": "Meer bloemen voor bijen en vlinders, en een plek waar buurtbewoners bloemen mogen plukken.",
        "description": (
            "Langs de akkerrand willen we een strook van 300 meter inzaaien met inheemse bloemen. "
            "Een deel wordt een pluktuin. Een imker zet er twee bijenkasten bij."
        ),
        "target_group": "Buurtbewoners en natuurliefhebbers",
        "themes": ["groen-openbare-ruimte", "duurzaamheid-energie"],
        "costs": [
            ("Bloemenzaad inheems mengsel", 450),
            ("Grondbewerking door loonwerker", 500),
            ("Informatiebordje", 200),
        ],
        "asks": ["money", "network"],
        "hours": 40,
        "materials": "De boer stelt de strook gratis beschikbaar.",
        "support": "De buurtvereniging en de imkervereniging doen mee.",
        "permits": "Geen vergunning nodig.",
        "maintenance": "De buurtvereniging maait eenmaal per jaar.",
        "org": "dbo",
        "role": "loslaten",
    },
}

# The demo initiatives: (template, municipality, village, status or status:variant).
# Variants: closed:realised, closed:rejected, closed:early, in_conversation:reopened, withdrawn:in_progress.
INITIATIVES = [
    # Nunspeet
    ("speeltuin", "Nunspeet", "Elspeet", "realised"),
    ("aed", "Nunspeet", "Elspeet", "closed:realised"),
    ("jop", "Nunspeet", "Elspeet", "in_conversation"),
    ("kerstmarkt", "Nunspeet", "Elspeet", "submitted"),
    ("moestuin", "Nunspeet", "Elspeet", "in_progress"),
    ("ommetje", "Nunspeet", "Vierhouten", "in_progress"),
    ("dorpshuiscafe", "Nunspeet", "Vierhouten", "decided"),
    ("buurtbus", "Nunspeet", "Vierhouten", "waiting_for_initiator"),
    ("jeu_de_boules", "Nunspeet", "Hulshorst", "intake"),
    ("energie", "Nunspeet", "Hulshorst", "in_conversation"),
    ("bankjes", "Nunspeet", "Hulshorst", "realised"),
    ("park_uitdaagrecht", "Nunspeet", "Nunspeet", "in_conversation:reopened"),
    ("repaircafe", "Nunspeet", "Nunspeet", "withdrawn"),
    ("beweegtuin", "Nunspeet", "Nunspeet", "submitted"),
    # Doetinchem
    ("speeltuin", "Doetinchem", "Gaanderen", "realised"),
    ("dorpshuiscafe", "Doetinchem", "Gaanderen", "submitted"),
    ("repaircafe", "Doetinchem", "Gaanderen", "withdrawn:in_progress"),
    ("zorgcooperatie", "Doetinchem", "Nieuw-Wehl", "in_progress"),
    ("aed", "Doetinchem", "Nieuw-Wehl", "realised"),
    ("energie", "Doetinchem", "Wehl", "decided"),
    ("kerstmarkt", "Doetinchem", "Wehl", "closed:realised"),
    ("verkeer", "Doetinchem", "Wehl", "closed:rejected"),
    ("moestuin", "Doetinchem", "Langerak", "in_progress"),
    ("jop", "Doetinchem", "Langerak", "waiting_for_initiator"),
    ("ommetje", "Doetinchem", "Dichteren", "intake"),
    ("boomfeestdag", "Doetinchem", "Dichteren", "submitted"),
    ("park_uitdaagrecht", "Doetinchem", "Doetinchem", "decided"),
    ("huiskamer", "Doetinchem", "Doetinchem", "in_conversation"),
    # Elburg
    ("jeu_de_boules", "Elburg", "Doornspijk", "realised"),
    ("dorpsvisie", "Elburg", "Doornspijk", "in_conversation"),
    ("bankjes", "Elburg", "Doornspijk", "submitted"),
    ("jop", "Elburg", "'t Harde", "in_progress"),
    ("aed", "Elburg", "'t Harde", "decided"),
    ("beweegtuin", "Elburg", "'t Harde", "waiting_for_initiator"),
    ("kerstmarkt", "Elburg", "Elburg", "closed:early"),
    # Ermelo
    ("ommetje", "Ermelo", "Speuld", "in_progress"),
    ("aed", "Ermelo", "Speuld", "closed:realised"),
    ("boomfeestdag", "Ermelo", "Speuld", "submitted"),
    ("dorpshuiscafe", "Ermelo", "Horst", "realised"),
    ("energie", "Ermelo", "Horst", "intake"),
    ("repaircafe", "Ermelo", "Ermelo", "decided"),
    ("huiskamer", "Ermelo", "Ermelo", "withdrawn"),
    # Harderwijk
    ("speeltuin", "Harderwijk", "Hierden", "decided"),
    ("dorpsvisie", "Harderwijk", "Hierden", "realised"),
    ("kerstmarkt", "Harderwijk", "Hierden", "intake"),
    ("gymzaal_uitdaagrecht", "Harderwijk", "Harderwijk", "waiting_for_initiator"),
    ("moestuin", "Harderwijk", "Harderwijk", "in_progress"),
    ("voetbalkooi", "Harderwijk", "Harderwijk", "closed:rejected"),
    # Oldebroek
    ("jeu_de_boules", "Oldebroek", "Hattemerbroek", "in_conversation"),
    ("aed", "Oldebroek", "Noordeinde", "realised"),
    ("ledverlichting", "Oldebroek", "Oosterwolde", "in_progress"),
    ("bankjes", "Oldebroek", "'t Loo", "decided"),
    ("jop", "Oldebroek", "Wezep", "submitted"),
    ("zorgcooperatie", "Oldebroek", "Oldebroek", "intake"),
    # Putten
    ("ommetje", "Putten", "Huinen", "realised"),
    ("dorpsvisie", "Putten", "Huinen", "withdrawn"),
    ("aed", "Putten", "Krachtighuizen", "in_progress"),
    ("pluktuin", "Putten", "Halvinkhuizen", "intake"),
    ("beweegtuin", "Putten", "Putten", "decided"),
    ("repaircafe", "Putten", "Putten", "in_conversation"),
]

# Which initiatives came in by phone (registered by the officer) or e-mail: (template, village).
PHONE_INTAKE = {
    ("energie", "Hulshorst"),
    ("huiskamer", "Doetinchem"),
    ("pluktuin", "Halvinkhuizen"),
    ("aed", "Noordeinde"),
}
EMAIL_INTAKE = {("buurtbus", "Vierhouten"), ("zorgcooperatie", "Oldebroek")}

# --- texts for the workflow --------------------------------------------------------------------

STATUS_NOTES = {
    "submitted": "Ingediend via het webformulier.",
    "submitted_phone": "Telefonisch aangemeld; ingevoerd door het loket.",
    "submitted_email": "Per e-mail ontvangen; ingevoerd door het loket.",
    "intake": "Intake gestart.",
    "in_conversation": "Kennismakingsgesprek gepland met de initiatiefnemer.",
    "in_conversation_back": "Aanvulling ontvangen; we gaan verder met het gesprek.",
    "in_conversation_reopened": "Heropend: de participatieverordening met uitdaagrecht is nu vastgesteld.",
    "waiting_for_initiator": "Wacht op een offerte en een overzicht van het draagvlak.",
    "decided": "Besluit genomen en gedeeld met de initiatiefnemer.",
    "in_progress": "De uitvoering is begonnen.",
    "realised": "Het initiatief is gerealiseerd.",
    "closed_realised": "Afgerond: verantwoording met foto's en bonnen ontvangen.",
    "closed_rejected": "Afgesloten na het besluit.",
    "closed_early": "Afgesloten: dit valt onder een andere regeling. Initiatiefnemer doorverwezen.",
    "withdrawn": "Ingetrokken door de initiatiefnemer.",
}

MESSAGE_WELCOME = (
    "Beste {first_name},\n\nDank u wel voor uw initiatief \u201c{title}\u201d. Ik ben {officer}, {job_title} bij de "
    "gemeente {municipality}, en ik ben uw vaste contactpersoon. Ik bel u deze week om kennis te maken. "
    "U mag mij ook zelf mailen of bellen.\n\nMet vriendelijke groet,\n{officer}"
)
MESSAGE_REPLY = (
    "Beste {officer_first},\n\nFijn dat u zo snel reageert. Donderdagavond na half acht komt ons goed uit. "
    "We nemen de tekening en de begroting mee.\n\nGroet, {first_name}"
)
MESSAGE_INTAKE_NOTE = (
    "Intake gedaan. Het plan past binnen de regels van het {fund}. {organisation} is op de hoogte en positief. "
    "Aandachtspunt: {permits}"
)
MESSAGE_WAITING = (
    "Beste {first_name},\n\nWe hebben uw plan besproken. Voordat we een besluit kunnen nemen, hebben we nog twee "
    "dingen nodig: een offerte voor de grootste kostenpost en een kort overzicht van wie in de buurt achter het plan "
    "staat. U kunt dit hier als bericht sturen.\n\nMet vriendelijke groet,\n{officer}"
)
MESSAGE_DECISION = {
    "supported": (
        "Beste {first_name},\n\nGoed nieuws: de gemeente steunt uw initiatief. {grant_sentence}"
        "We hebben samen afspraken gemaakt over wie wat doet; u vindt ze op uw pagina.\n\nVeel succes!\n{officer}"
    ),
    "partly_supported": (
        "Beste {first_name},\n\nDe gemeente steunt uw initiatief voor een deel. {grant_sentence}"
        "Dat is minder dan u vroeg, omdat de regels van het fonds een maximum hebben. Misschien kan een lokaal fonds "
        "of een ondernemer de rest aanvullen; ik denk daar graag over mee.\n\nMet vriendelijke groet,\n{officer}"
    ),
    "not_supported": (
        "Beste {first_name},\n\nHelaas kan de gemeente uw initiatief nu niet steunen. In het besluit leest u waarom. "
        "Dat vinden wij jammer, want we zien de inzet van u en uw buren. Wilt u er samen over praten wat wel kan? "
        "Bel of mail mij gerust.\n\nMet vriendelijke groet,\n{officer}"
    ),
}
MESSAGE_REALISED = (
    "Beste {officer_first},\n\nHet is klaar! Zaterdag om elf uur openen we het officieel, met koffie en iets lekkers. "
    "U bent van harte welkom. Dank voor het meedenken.\n\nGroet, {first_name}"
)
MESSAGE_WITHDRAWN = (
    "Beste {officer_first},\n\nWe stoppen met ons plan. Er zijn te weinig vrijwilligers die het vol willen houden. "
    "Misschien pakken we het later weer op.\n\nGroet, {first_name}"
)
MESSAGE_WITHDRAWN_INTERNAL = (
    "Initiatiefnemer heeft ingetrokken: de vrijwilligers zijn afgehaakt. Toegezegde bijdrage ingetrokken; "
    "er was nog niets betaald."
)
MESSAGE_SUPPLEMENT = (
    "Beste {officer_first},\n\nHierbij de offerte en de lijst met buren die meedoen.\n\nGroet, {first_name}"
)
MESSAGE_REOPENED = (
    "Beste {first_name},\n\nDe gemeenteraad heeft de participatieverordening vastgesteld. Daarin staat nu ook het "
    "uitdaagrecht. Daarom pakken we uw verzoek opnieuw op. Ik bel u om een nieuwe afspraak te maken.\n\n"
    "Met vriendelijke groet,\n{officer}"
)
MESSAGE_CLOSED_EARLY = (
    "Beste {first_name},\n\nDank voor uw aanvraag. Uw plan is een evenement; daarvoor geldt een aparte "
    "evenementensubsidie en een evenementenvergunning. Mijn collega van team Evenementen neemt contact met u op. "
    "Deze aanvraag sluiten wij daarom af.\n\nMet vriendelijke groet,\n{officer}"
)

DECISION_MOTIVATION = {
    "supported": (
        "Het initiatief versterkt de leefbaarheid van {village}, er is aantoonbaar draagvlak in de buurt en de "
        "initiatiefnemers brengen zelf voldoende in. Het plan past binnen de regels van het {fund}."
    ),
    "partly_supported": (
        "Het initiatief past goed bij het {fund}, maar het gevraagde bedrag is hoger dan het maximum per initiatief. "
        "Wij steunen het plan met het maximale bedrag en helpen zoeken naar andere bronnen."
    ),
    "not_supported": (
        "Het plan past niet binnen de regels van het {fund}: {reason} Wij willen graag met de initiatiefnemers "
        "bekijken wat wel mogelijk is."
    ),
}
REJECTION_REASONS = {
    "verkeer": "verkeersmaatregelen zijn een taak van de gemeente en vragen een verkeersbesluit.",
    "voetbalkooi": "de kosten zijn veel hoger dan het maximum en er is nog geen afspraak over onderhoud en overlast.",
    "park_uitdaagrecht": "de gemeente had nog geen participatieverordening met uitdaagrecht.",
}

MUNICIPAL_ROLE_EXPLANATIONS = {
    "loslaten": "De bewoners doen dit helemaal zelf. De gemeente blijft op afstand en is er als zij vragen hebben.",
    "faciliteren": (
        "De gemeente helpt met geld uit het fonds en met advies over de grond en vergunningen. De "
        "bewoners houden de regie."
    ),
    "stimuleren": (
        "De gemeente wil dit ook graag en moedigt de bewoners aan, met kennis en contacten met andere dorpen."
    ),
    "regisseren": "Er zijn veel partijen bij betrokken. De gemeente brengt ze bij elkaar en bewaakt de afspraken.",
    "reguleren": "Hiervoor zijn regels en vergunningen nodig. De gemeente toetst het plan en geeft de vergunning.",
}

AGREEMENTS_MUNICIPALITY = {
    "open_staan": "De gemeente nodigt de initiatiefnemers uit bij het overleg met de buurt en denkt open mee.",
    "los_laten": (
        "De initiatiefnemers kiezen zelf de leverancier en de uitvoering; de gemeente bemoeit zich niet met de inhoud."
    ),
    "faciliteren": "De gemeente maakt de bijdrage uit het {fund} over en geeft de grond in bruikleen.",
    "mogelijk_maken": "De gemeente regelt de toestemming en zet het werk op de planning van de buitendienst.",
}
AGREEMENTS_INITIATOR = {
    "plan_maken": "De initiatiefnemers leveren een definitieve tekening en begroting aan.",
    "volhouden": "De werkgroep zorgt voor het onderhoud en meldt gebreken, ook na het eerste jaar.",
    "kansen_pakken": "De werkgroep vraagt ook een bijdrage aan bij een lokaal fonds en bij ondernemers uit het dorp.",
    "uitvoeren": (
        "De vrijwilligers voeren het werk uit op twee zaterdagen en sturen foto's en bonnen als verantwoording."
    ),
}
AGREEMENT_PARTNER = "{organisation} informeert het dorp via de dorpskrant en helpt bij de opening."

# --- the VO trajectories -----------------------------------------------------------------------
# stage_days: planned (start, end) of each stage in days from the trajectory start. Completed stages
# tick every deliverable except open_deliverables (title: reason); the current stage ticks the
# first in_progress_done ones. Members: (category, name, organisation, joins at day, leaves at day
# or None, is the demo member account).

STAGE_DELIVERABLES = {
    "intake": [
        ("Kennismakingsgesprek met wethouder en gemeentesecretaris", True),
        ("Overzicht van lopende ontwikkelingen (Wmo, Omgevingswet, nieuwe manier van werken)", True),
        ("Plan van aanpak besproken in het college", True),
        ("Afspraken over inzet en kosten op papier", False),
    ],
    "cases": [
        ("Eerste voorbeelden van initiatieven van onderop verzameld", True),
        ("Minstens vijf voorbeelden beschreven: de rol van de gemeente en die van de initiatiefnemers", True),
        ("Voorbeelden gedeeld met de voortgangsgroep", False),
    ],
    "progress_group": [
        ("Alle groepen vertegenwoordigd in de voortgangsgroep", True),
        ("Taakomschrijving en vergaderschema van de voortgangsgroep", True),
        ("Nulmeting (scan) uitgezet bij de leden", False),
    ],
    "meetings": [
        ("Eerste Vliegwielbijeenkomst met actieve bewoners, college, raad en ambtenaren", True),
        ("Tweede Vliegwielbijeenkomst", True),
        ("Verslag van beide bijeenkomsten gedeeld met de deelnemers", True),
        ("Terugkoppeling in de raadscommissie", False),
    ],
    "vision": [
        ("Conceptvisie besproken in de voortgangsgroep", True),
        ("Reacties van dorps- en wijkraden verwerkt", True),
        ("Visie vastgesteld door de gemeenteraad", True),
    ],
    "implementation": [
        ("Intervisiegroep voor contactfunctionarissen gestart", True),
        ("Eenmeting (scan) afgenomen", True),
        ("Evaluatie met de voortgangsgroep na een jaar", False),
    ],
}

TRAJECTORIES = [
    {
        "municipality": "Doetinchem",
        "kind": "vo",
        "title": "Verdiepingsslag Overheidsparticipatie Doetinchem (pilot)",
        "status": "active",
        "current_stage": "implementation",
        "start_offset": -640,
        "stage_days": [(0, 56), (56, 140), (140, 200), (200, 330), (330, 470), (470, 800)],
        "in_progress_done": 1,
        "open_deliverables": {
            "Terugkoppeling in de raadscommissie": "De raad is in de visiefase betrokken met een informatieavond.",
        },
        "notes": "De pilot van DKK Gelderland. Wethouder en raad zijn vanaf het begin betrokken.",
        "members": [
            ("administration", "Marian Tuinman", "College van B&W (wethouder participatie)", 140, None, False),
            ("civil_service", "Ruud Hoitink", "Team Samenleving, gemeente Doetinchem", 140, None, False),
            ("civil_service", "Ilse Hendriksen", "Accountmanager dorpen en wijken", 150, None, False),
            ("council", "Gerda Lammers", "Gemeenteraad Doetinchem", 140, 420, False),
            ("council", "Arjan Bouwman", "Gemeenteraad Doetinchem", 425, None, False),
            ("village_council", "Ellen Wissink", "Dorpsraad Wehl", 140, None, True),
            ("village_council", "Wim Roelofsen", "Dorpsraad Gaanderen", 140, None, False),
            ("social_council", "Hans Geurts", "Adviesraad Sociaal Domein Doetinchem", 145, None, False),
            ("young_people", "Lotte Kuipers", "Jongerenraad Gaanderen", 160, None, False),
            ("citizen_initiatives", "Peter Stoffelsen", "Zorgcoöperatie Nieuw-Wehl", 140, None, False),
            ("facilitator", "Femke Wolters", "DKK Gelderland", 0, None, False),
        ],
        "meetings": [
            ("progress_group", "Startbijeenkomst voortgangsgroep", 160, "Stadhuis Doetinchem, zaal 2"),
            ("progress_group", "Voortgangsgroep: voorbereiding Vliegwiel", 205, "Stadhuis Doetinchem, zaal 2"),
            ("active_residents", "Vliegwiel ABOP in beweging: bijeenkomst 1", 240, "Dorpshuis De Wingerd, Gaanderen"),
            ("active_residents", "Vliegwiel ABOP in beweging: bijeenkomst 2", 300, "Stadhuis Doetinchem, raadszaal"),
            ("progress_group", "Voortgangsgroep: conceptvisie bespreken", 380, "Dorpshuis De Brink, Wehl"),
            ("intervisie", "Intervisie: loslaten in de praktijk", 520, "Stadhuis Doetinchem, zaal 4"),
            (
                "intervisie",
                "Intervisie: de rol van de gemeente bij de zorgcoöperatie",
                590,
                "Dorpshuis De Kastanje, Nieuw-Wehl",
            ),
            ("intervisie", "Intervisie: wat leren we van een afgewezen plan?", 652, "Stadhuis Doetinchem, zaal 4"),
            ("progress_group", "Voortgangsgroep: evaluatie na het eerste jaar", 666, "Stadhuis Doetinchem, zaal 2"),
        ],
        "cases": [
            {
                "title": "Zorgcoöperatie Nieuw-Wehl",
                "village": "Nieuw-Wehl",
                "initiative": ("zorgcooperatie", "Nieuw-Wehl"),
                "description": (
                    "Bewoners organiseren zelf hulp en zorg voor ouderen, met een betaalde dorpsondersteuner."
                ),
                "government_role": (
                    "Open staan en mogelijk maken: de gemeente bracht de coöperatie in contact met de "
                    "Wmo-consulenten en betaalde de opstart mee."
                ),
                "initiators_role": (
                    "Plan maken en volhouden: een kerngroep van zes mensen werkte twee jaar aan het plan "
                    "en bleef ook na tegenslag doorgaan."
                ),
                "lessons": (
                    "Geef een initiatief tijd. Spreek één vast aanspreekpunt af, zodat bewoners niet van "
                    "loket naar loket gaan."
                ),
            },
            {
                "title": "Speeltuin aan de Kerkstraat in Gaanderen",
                "village": "Gaanderen",
                "initiative": ("speeltuin", "Gaanderen"),
                "description": "Ouders knapten zelf de speeltuin op, met een bijdrage uit het Initiatievenfonds.",
                "government_role": "Faciliteren: geld uit het fonds en snel toestemming voor werk op gemeentegrond.",
                "initiators_role": "Uitvoeren: ouders en grootouders deden het werk op twee zaterdagen.",
                "lessons": "Een snelle en duidelijke toezegging geeft energie. Afspraken over onderhoud vooraf maken.",
            },
            {
                "title": "Dorpshuis De Brink in eigen beheer",
                "village": "Wehl",
                "initiative": None,
                "description": "Het dorpshuis wordt sinds jaren volledig door vrijwilligers gerund.",
                "government_role": (
                    "Los laten: de gemeente geeft een vaste jaarlijkse bijdrage en bemoeit zich niet met "
                    "de programmering."
                ),
                "initiators_role": (
                    "Kansen pakken: het bestuur verhuurt zalen aan zorgaanbieders en houdt zo de huur laag."
                ),
                "lessons": (
                    "Vertrouwen werkt beter dan controle. Vraag één keer per jaar hoe het gaat in plaats "
                    "van elke maand cijfers."
                ),
            },
        ],
        "vision": True,
        "scans": True,
    },
    {
        "municipality": "Nunspeet",
        "kind": "vo",
        "title": "Verdiepingsslag Overheidsparticipatie Nunspeet",
        "status": "active",
        "current_stage": "cases",
        "start_offset": -120,
        "stage_days": [(0, 60), (60, 150), (150, 210), (210, 330), (330, 450), (450, 700)],
        "in_progress_done": 1,
        "open_deliverables": {},
        "notes": (
            "Onderdeel van de aanpak in de Noord-Veluwe. De dorpsbelangenorganisaties zijn vanaf het begin betrokken."
        ),
        "members": [
            ("administration", "Hendrik van 't Hul", "College van B&W (wethouder dorpen)", 20, None, False),
            ("civil_service", "Marieke van den Brink", "Coördinator initiatieven, gemeente Nunspeet", 20, None, False),
            ("council", "Janny Pluim", "Gemeenteraad Nunspeet", 30, None, False),
            ("village_council", "Evert Hop", "Dorpsbelangen Elspeet", 20, None, False),
            ("village_council", "Aaltje Bijl", "Vereniging Dorpsbelang Vierhouten", 25, None, False),
            ("citizen_initiatives", "Thijs Lubbers", "Werkgroep Ommetje Vierhouten", 40, None, False),
            ("facilitator", "Femke Wolters", "DKK Gelderland", 0, None, False),
        ],
        "meetings": [
            ("progress_group", "Kennismaking voortgangsgroep Nunspeet", 80, "Gemeentehuis Nunspeet"),
            (
                "progress_group",
                "Voorbeelden bespreken: wat deed de gemeente, wat deden de bewoners?",
                135,
                "Dorpshuis De Koppel, Elspeet",
            ),
        ],
        "cases": [
            {
                "title": "Speeltuin bij Dorpshuis De Koppel in Elspeet",
                "village": "Elspeet",
                "initiative": ("speeltuin", "Elspeet"),
                "description": "Ouders en Dorpsbelangen vernieuwden de speeltuin, een actie uit de dorpsvisie.",
                "government_role": "Faciliteren: bijdrage uit het Leefbaarheidsfonds en hulp bij de keuring.",
                "initiators_role": "Plan maken en uitvoeren: de ouders maakten het plan en deden het werk.",
                "lessons": "Een dorpsvisie helpt: de gemeente wist al dat dit een wens van het dorp was.",
            },
            {
                "title": "Ommetje Vierhouten",
                "village": "Vierhouten",
                "initiative": ("ommetje", "Vierhouten"),
                "description": "Een wandelroute rond het dorp over paden van boeren en de gemeente.",
                "government_role": "Mogelijk maken: de gemeente regelde toestemming voor paaltjes in de berm.",
                "initiators_role": "Kansen pakken: de werkgroep kreeg vier grondeigenaren mee.",
                "lessons": (
                    "Ambtenaren van verschillende afdelingen moesten samenwerken; één contactpersoon "
                    "maakte het verschil."
                ),
            },
        ],
        "vision": False,
        "scans": False,
    },
    {
        "municipality": "Ermelo",
        "kind": "vo",
        "title": "Verdiepingsslag Overheidsparticipatie Ermelo",
        "status": "planned",
        "current_stage": "intake",
        "start_offset": 45,
        "stage_days": [(0, 60), (60, 150), (150, 210), (210, 330), (330, 450), (450, 700)],
        "in_progress_done": 0,
        "open_deliverables": {},
        "notes": "Het college heeft ingestemd met een kennismaking. Het traject begint na de kennismaking.",
        "members": [
            ("civil_service", "Annelies Brouwer", "Dorpsregisseur, gemeente Ermelo", -60, None, False),
            ("facilitator", "Femke Wolters", "DKK Gelderland", -60, None, False),
        ],
        "meetings": [
            ("progress_group", "Kennismaking met college en DKK Gelderland", 5, "Gemeentehuis Ermelo"),
        ],
        "cases": [],
        "vision": False,
        "scans": False,
    },
    {
        "municipality": "Harderwijk",
        "kind": "dia_local_initiative",
        "title": "Democratie in Actie: faciliteren van lokaal initiatief in Harderwijk",
        "status": "active",
        "current_stage": "meetings",
        "start_offset": -220,
        "stage_days": [(0, 40), (40, 100), (100, 160), (160, 260), (260, 360), (360, 600)],
        "in_progress_done": 1,
        "open_deliverables": {
            "Nulmeting (scan) uitgezet bij de leden": (
                "Harderwijk doet geen scan; de voortgangsgroep bespreekt de voortgang."
            ),
        },
        "local_support_cost": 8000,
        "notes": (
            "Ontwikkeltraject van Democratie in Actie (VNG), met DKK Gelderland als lokale begeleider. "
            "Lokaal maatwerk kost 8.000 euro: het programma betaalt 4.000 euro, de gemeente de rest."
        ),
        "members": [
            ("administration", "Kees Bronsink", "College van B&W (wethouder)", 30, None, False),
            ("civil_service", "Yusuf Demir", "Initiatievenloket Harderwijk", 30, None, False),
            ("council", "Esther van Ark", "Gemeenteraad Harderwijk", 35, None, False),
            ("village_council", "Gerrit Vlijm", "Dorpsraad Hierden", 30, None, False),
            ("citizen_initiatives", "Nienke Dijkhuis", "Buurtmoestuin Stadsdennen", 40, None, False),
            ("facilitator", "Femke Wolters", "DKK Gelderland", 0, None, False),
        ],
        "meetings": [
            ("progress_group", "Startbijeenkomst: hoe werkt ons initiatievenloket?", 110, "Stadhuis Harderwijk"),
            (
                "active_residents",
                "Bijeenkomst met initiatiefnemers: wat heeft u nodig?",
                185,
                "Dorpshuis Het Hierdense Hart",
            ),
            (
                "active_residents",
                "Tweede bijeenkomst met initiatiefnemers en raadsleden",
                236,
                "Wijkcentrum Stadsdennen",
            ),
        ],
        "cases": [
            {
                "title": "Nieuwe dorpsvisie Hierden",
                "village": "Hierden",
                "initiative": ("dorpsvisie", "Hierden"),
                "description": "De dorpsraad maakte met hulp van een procesbegeleider een nieuwe dorpsvisie.",
                "government_role": "Faciliteren: geld voor procesbegeleiding en cijfers over het dorp.",
                "initiators_role": "Plan maken: de dorpsraad organiseerde de enquête en drie dorpsavonden.",
                "lessons": (
                    "De termijn van acht weken voor de start was voor de dorpsraad lastig; maak "
                    "uitzonderingen mogelijk."
                ),
            },
        ],
        "vision": False,
        "scans": False,
    },
]

MEETING_AGENDA = (
    "1. Opening en mededelingen\n2. Verslag vorige keer en actiepunten\n3. {title}\n4. Wat nemen we mee?\n5. Rondvraag"
)
MEETING_MINUTES = {
    "progress_group": (
        "Aanwezig: zie presentielijst. De groep bespreekt de stand van het traject. Iedereen vindt het belangrijk "
        "dat bewoners het plan houden en dat de gemeente eerlijk zegt wat wel en niet kan. Afgesproken: de volgende "
        "keer nemen de dorpsraden een voorbeeld uit hun eigen dorp mee."
    ),
    "active_residents": (
        "Ruim zestig mensen: actieve bewoners, wethouders, raadsleden en ambtenaren. In kleine groepen is gepraat "
        "over de vraag: wat heeft u nodig van de gemeente, en wat kan de gemeente van u verwachten? Veel genoemd: "
        "één vast aanspreekpunt, sneller antwoord en minder formulieren. Bewoners willen zelf de regie houden."
    ),
    "intervisie": (
        "Drie contactfunctionarissen brachten een casus in. Met de methode van de roddelronde is gekeken naar "
        "de eigen rol. Les: vraag eerst wat de bewoners zelf willen, voordat je met oplossingen komt."
    ),
}
ACTION_ITEMS = {
    "progress_group": [
        ("Verslag rondsturen naar alle leden", "facilitator", 7),
        ("Voorbeeld uit het eigen dorp voorbereiden", "village_council", 21),
    ],
    "active_residents": [
        ("Opbrengst van de bijeenkomst samenvatten op één A4", "facilitator", 10),
        ("Reacties van bewoners bespreken in het college", "administration", 28),
    ],
    "intervisie": [
        ("Nieuwe casus aanleveren voor de volgende intervisie", "civil_service", 30),
    ],
}

VISION_TITLE = "Samen aan zet: visie op overheidsparticipatie Doetinchem"
VISION_CHANGE_NOTES = {
    1: "Eerste concept na de tweede Vliegwielbijeenkomst.",
    2: "Aangevuld met de reacties van de dorps- en wijkraden en vastgesteld door de raad.",
}
# Version 2 (adopted). Version 1 is the first paragraph of each section (the draft).
VISION_SECTIONS = {
    "introduction": (
        "Inwoners van Doetinchem nemen steeds vaker zelf het initiatief. Zij knappen een speeltuin op, zorgen voor "
        "elkaar of wekken samen energie op. Dat noemen we overheidsparticipatie: de inwoner heeft het initiatief, "
        "de gemeente doet mee.\n\n"
        "Deze visie is samen gemaakt: met de voortgangsgroep, met ruim zestig actieve bewoners, met het college, "
        "de raad en ambtenaren. Zes afspraken staan centraal. Ze gelden voor inwoners en gemeente samen."
    ),
    "cultuuromslag": (
        "Wij, inwoners en gemeente, hebben een open houding naar elkaar. We denken niet eerst aan bezwaren, maar "
        "zoeken samen naar oplossingen.\n\n"
        "Een ongewone vraag is welkom. Past een plan niet in de regels, dan kijken we of de regel moet veranderen. "
        "We laten ook zien dat we elkaars inzet waarderen."
    ),
    "communicatie": (
        "Wij houden elkaar op de hoogte van ideeën, wensen en plannen die de buurt raken. Elk dorp en elke wijk "
        "heeft een vast aanspreekpunt bij de gemeente.\n\n"
        "We zeggen wat we van elkaar verwachten, ook over tijd en haalbaarheid. Over besluiten zijn we open: "
        "de initiatiefnemer hoort altijd waarom iets wel of niet kan."
    ),
    "samenwerking": (
        "Wij investeren tijd in elkaar. We kennen elkaar en houden de lijnen kort.\n\n"
        "We gaan uit van vertrouwen en goede bedoelingen. We geven elkaar ruimte om op een nieuwe manier samen "
        "te werken, en we durven onze eigen ideeën in te ruilen voor betere."
    ),
    "stimulering": (
        "Wij zien initiatieven van inwoners als een waardevolle bijdrage aan de samenleving. We steunen elkaar "
        "om de doelen te halen.\n\n"
        "Werkt een idee in het ene dorp, dan kijken we samen of het ook elders kan helpen. Zo leren dorpen en "
        "wijken van elkaar."
    ),
    "partnerschap": (
        "Wij zijn partners met hetzelfde doel. Successen en mislukkingen delen we samen.\n\n"
        "De initiatiefnemer houdt de regie over het eigen plan. Neemt de gemeente het over, dan is de energie weg. "
        "We maken ruimte om te experimenteren, en we rekenen elkaar niet af op een risico dat we samen namen."
    ),
    "kennisdeling": (
        "Wij delen kennis, kunde en ervaring. Inwoners zijn mensen met talenten; ambtenaren ook.\n\n"
        "We spreken elkaar aan op wat we kunnen bijdragen. Bij nieuwe plannen werken we vanaf het begin samen: "
        "co-creatie aan de voorkant, niet inspraak achteraf."
    ),
    "roles": (
        "De gemeente kiest per initiatief haar rol en zegt die hardop: open staan, los laten, faciliteren of "
        "mogelijk maken. Zo min mogelijk sturen is het uitgangspunt.\n\n"
        "De initiatiefnemers maken een plan, houden vol, pakken kansen en voeren het uit. Die rollen leggen we "
        "per initiatief vast in afspraken, zodat iedereen weet wie wat doet."
    ),
}

SCAN_COMMENTS = {
    "cultuuromslag": "Ambtenaren denken vaker mee, maar bij vergunningen is het nog vaak 'nee, tenzij'.",
    "communicatie": "Het vaste aanspreekpunt per dorp werkt goed.",
    "partnerschap": "Soms neemt de gemeente het plan nog te snel over.",
    "los_laten": "Loslaten blijft lastig als er geld van de gemeente in zit.",
}


# Standard texts officers start a message, note or decision from (purpose, title, body).
STANDARD_TEXTS = [
    (
        "message",
        "Eerste contact",
        "Bedankt voor je initiatief! Ik ben je contactpersoon bij de gemeente {municipality}. "
        "Ik wil graag met je kennismaken. Wanneer kan ik je bellen?",
    ),
    (
        "message",
        "Aanvullende informatie nodig",
        "Om je initiatief goed te bekijken heb ik nog wat informatie nodig: een begroting met de kosten "
        "en wie er in de buurt meedoen. Wil je dat via je persoonlijke link sturen?",
    ),
    ("note", "Afstemming collega's", "Afgestemd met collega's van openbare ruimte; geen bezwaren."),
    (
        "decision",
        "Gesteund uit het fonds",
        "Jullie plan draagt bij aan de leefbaarheid van het dorp en heeft draagvlak in de buurt. "
        "De gemeente {municipality} steunt het met een bijdrage uit het initiatievenfonds.",
    ),
]


# A village budget round (issue 14): Nunspeet's villages vote on their open initiatives.
BUDGET_ROUND = {
    "municipality": "Nunspeet",
    "name": "Dorpsbudget Nunspeet",
    "villages": ("Elspeet", "Vierhouten", "Hulshorst"),
    "per_village": 7500,
    "coordinator": "nunspeet.coordinator",
    "description": (
        "Elk dorp krijgt 7.500 euro. Bewoners hebben ideeën ingediend; de gemeente heeft bekeken wat haalbaar is "
        "en wat het kost. Nu kiezen de bewoners van 16 jaar en ouder zelf welke plannen doorgaan."
    ),
    "review_reason": (
        "Dit past binnen de regels van het fonds. De gemeente heeft de kosten geschat met de initiatiefnemers."
    ),
}

# The decision letter's letterhead per municipality (the municipalities' public postal addresses),
# with the colour of a simple demo logo. Objections go to the college at the same address; the
# web form is on the municipality's own site.
LETTERHEADS = {
    "Doetinchem": {"postal_address": "Postbus 9020\n7000 HA Doetinchem", "colour": (0, 102, 153)},
    "Elburg": {"postal_address": "Postbus 70\n8080 AB Elburg", "colour": (153, 0, 0)},
    "Ermelo": {"postal_address": "Postbus 500\n3850 AM Ermelo", "colour": (0, 120, 60)},
    "Harderwijk": {
        "postal_address": "Postbus 149\n3840 AC Harderwijk",
        "colour": (0, 70, 140),
        "letter_signer_name": "M. de Boer",
        "letter_signer_title": "teamleider Samenleving",
    },
    "Nunspeet": {"postal_address": "Postbus 79\n8070 AB Nunspeet", "colour": (0, 110, 110)},
    "Oldebroek": {"postal_address": "Postbus 2\n8090 AA Wezep", "colour": (120, 60, 0)},
    "Putten": {"postal_address": "Postbus 400\n3880 AK Putten", "colour": (90, 40, 120)},
}
# What every demo fund's letter says about payment and accountability.
GRANT_CONDITIONS = (
    "Wij maken het bedrag binnen vier weken over naar het rekeningnummer in uw aanvraag.\n"
    "Binnen drie maanden na afloop laat u zien wat u heeft gedaan: een kort verslag met foto's en de "
    "bonnen of facturen."
)

# Neighbours' support (draagvlak) on a few published demo initiatives: reasons they give.
SUPPORT_REASONS = [
    "Mijn kinderen gaan hier elke dag langs.",
    "Goed voor jong en oud in het dorp.",
    "Ik help graag mee op de klusdag.",
    "Eindelijk iemand die dit oppakt!",
    "",
    "Dit mist ons dorp al jaren.",
    "",
]
SUPPORTED_INITIATIVES = 8  # how many published demo initiatives get supporters

# --- each municipality's own look (issue 15): colours with enough contrast (Municipality.clean),
# the name on its pages, and for two of them a header image (a banner in their colours).
MUNICIPALITY_THEMES = {
    "Doetinchem": {"name": "Doetinchem doet het samen", "primary": "#006699", "secondary": "#003a57"},
    "Elburg": {"name": "Elburg: kernen aan zet", "primary": "#990000", "secondary": "#5c0a0a"},
    "Ermelo": {"name": "Ermelo maakt het", "primary": "#00783c", "secondary": "#004225"},
    "Harderwijk": {"name": "Initiatief Harderwijk", "primary": "#00468c", "secondary": "#0b2e52", "banner": True},
    "Nunspeet": {"name": "Doe mee in Nunspeet", "primary": "#006e6e", "secondary": "#0a3d3d", "banner": True},
    "Oldebroek": {"name": "Oldebroek: dorpen doen", "primary": "#783c00", "secondary": "#4a2500"},
    "Putten": {"name": "Putten pakt aan", "primary": "#5a2878", "secondary": "#3a1450"},
}
