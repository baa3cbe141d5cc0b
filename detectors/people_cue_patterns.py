"""The cue patterns of ``detectors.people_cues``: relation words, sources, undressing requests.

Data only: each pattern is ``(label, regex)``, written lower-case; ``TRIGGERS`` names, per
label, substrings one of which any match contains (the prefilter in ``people_cues``). English,
Spanish, Portuguese, French and German; minimal words, no explicit vocabulary.
"""

from __future__ import annotations

import re

__all__ = [
    "ARTIST_CREDIT",
    "EN_RELATION",
    "FICTION",
    "HANDLE",
    "MINOR_RISK",
    "PHOTO_OF",
    "RELATIONS",
    "SOURCE",
    "STRONG",
    "TITLE",
    "TOOL",
    "TRIGGERS",
    "UNDRESS",
]

_F = re.IGNORECASE


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# People someone knows. Possessive chains ("my girlfriend's sister", "my boss's wife") and a few
# adjectives ("my hot neighbour", "my ex-wife") are allowed between "my" and the relation.
EN_RELATION = _words(
    r"neighbou?rs?",
    r"next[- ]door neighbou?r",
    "boss",
    "manager",
    "supervisor",
    r"co-?workers?",
    r"colleagues?",
    r"ex(?:-?(?:girlfriend|boyfriend|wife|husband|gf|bf))?",
    r"girl ?friend",
    r"boy ?friend",
    "gf",
    "bf",
    "wife",
    "husband",
    r"fianc[eé]e?",
    "partner",
    "crush",
    r"room-?mate",
    "flatmate",
    "landlady",
    "landlord",
    "tenant",
    "teacher",
    "professor",
    "tutor",
    "coach",
    r"class-?mates?",
    r"school-?mates?",
    "students?",
    "pupils?",
    r"(?:little |big |older |younger )?sister",
    r"(?:little )?brother",
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "aunt",
    "uncle",
    "cousin",
    "niece",
    "nephew",
    "daughter",
    "son",
    r"step-?(?:daughter|son|sister|brother|mom|mum|mother|dad|father)",
    r"(?:mother|sister|daughter)-in-law",
    "babysitter",
    "nanny",
    "maid",
    "secretary",
    "nurse",
    "doctor",
    "therapist",
    r"(?:best )?friend",
    "bestie",
    "sister's friend",
    r"kids?",
    "child",
)
# Up to two words between "my" and the relation ("my hot neighbour", "my math teacher"), but
# not the ones that make the person imaginary ("my AI girlfriend", "my anime wife").
_EN_ADJ = r"(?:(?!(?:ai|virtual|anime|fictional|imaginary|fantasy|dream|digital|cartoon|oc|robot)\b)[a-z]+\s+){0,2}?"
_EN_MY = rf"\bmy\s+{_EN_ADJ}{EN_RELATION}(?:['’]s\s+{_EN_ADJ}{EN_RELATION})*\b"
_EN_EX = r"\bex[- ]?(?:gf|bf|girlfriend|boyfriend|wife|husband)\b|\brevenge\s+(?:porn|nudes?|pics?|photos?)\b"
_PLACES = _words(
    "starbucks",
    "office",
    "gym",
    "store",
    "shop",
    "bar",
    "cafe",
    "coffee shop",
    "supermarket",
    "bank",
    "library",
    "hospital",
    "school",
    "class",
    "college",
    "work",
    "church",
    "bus stop",
    "train",
    "subway",
    "apartment",
    "building",
    "street",
    "block",
    "neighbou?rhood",
    "team",
    "dorm",
    "pool",
    "salon",
)
# People serving at a place the user goes to: "the cashier at walmart".
_SERVICE = _words("barista", "cashier", "bartender", "clerk", "bank teller", "teller", "receptionist", "waitress",
                  "waiter", "checkout girl", "shop assistant", "delivery girl", "mail carrier")
_DEPARTMENTS = r"(?:accounting|hr|human\s+resources|marketing|sales|finance|payroll|it\s+support)"
# "my local starbucks", "our usual bar": words between the possessive and the place.
_LOCAL = r"(?:(?:local|usual|favou?rite|nearby|neighbou?rhood|corner|new|old)\s+)?"
# Places that are groups of people the user belongs to: "on my team", "in my class".
_PEOPLE_PLACES = _words("team", "class", "floor", "shift", "department", "unit", "squad", "crew")
_ES_MY = (
    r"\bmis?\s+(?:vecin[ao]s?|jef[ae]|compañer[ao]\s+de\s+(?:trabajo|clase|escuela)|compañer[ao]|ex|novi[ao]"
    r"|espos[ao]|profe(?:sor[a]?)?|maestr[ao]|alumn[ao]|prim[ao]|herman[ao]|hermanastr[ao]|hijastr[ao]"
    r"|cuñad[ao]|amig[ao]|sobrin[ao]|hij[ao]|suegra|madrastra)\b"
)
_PT_MY = (
    r"\b(?:minha|meu)\s+(?:vizinh[ao]|chef[ea]|colega\s+de\s+(?:trabalho|classe|sala|escola)|colega|ex"
    r"|namorad[ao]|espos[ao]|mulher|professor[a]?|alun[ao]|prim[ao]|irmã|irmão|cunhad[ao]|amig[ao]"
    r"|sobrinh[ao]|filh[ao]|enteada|madrasta|sogra)\b"
)
_FR_MY = (
    r"\b(?:ma|mon)\s+(?:voisine?|patron(?:ne)?|cheffe?|coll[eè]gue|ex|copine|copain|femme|mari"
    r"|prof(?:esseure?)?|[ée]l[eè]ve|camarade\s+de\s+classe|cousine?|s(?:oe|œ)ur|fr[eè]re|belle-s(?:oe|œ)ur"
    r"|belle-fille|ni[eè]ce|amie?|fille|demi-s(?:oe|œ)ur)\b"
)
_DE_MY = (
    r"\bmeine?[nrms]?\s+(?:nachbarin|nachbar|chef(?:in)?|kollegin|kollege|ex|freundin|frau|lehrerin|lehrer"
    r"|mitschülerin|mitschüler|schülerin|schwester|stiefschwester|cousine|schwägerin|nichte|tochter"
    r"|stieftochter|stiefmutter|schwiegermutter)\b"
)
_PICTURE = r"(?:photo|picture|pic|image|selfie|headshot|screenshot|snapshot|snap|video(?!\s+game)|face)s?"
_PLATFORM = (
    r"(?:instagram|insta|ig|facebook|fb|tiktok|snapchat|snap|twitter|linkedin|vk|whatsapp|dating|profile|zoom|id)"
)
# Each cue pattern has a label: the evidence term, so evidence never copies prompt text. An
# empty label means "the relation words matched" (from the fixed vocabulary, e.g. "my neighbour").
SOURCE = (
    ("ex-partner", _EN_EX),
    (
        "a photo the user took",
        r"\b(?:a|the|this|that)\s+(?:photo|picture|pic|image|selfie|video)\s+i\s+(?:took|have|got|found|saved)\s+of\b",
    ),
    (
        "her social media",
        rf"\b(?:from|on|off|of)\s+(?:her|his|their)\s+{_PLATFORM}\b|\b(?:her|his|their)\s+{_PLATFORM}\s+(?:profile\s+)?{_PICTURE}\b",
    ),
    ("use this photo", rf"\buse\s+(?:this|that|the|my|her|his|their|attached|uploaded)\s+(?:[a-z]+\s+)?{_PICTURE}\b"),
    # A picture the user supplies ("this selfie", "the attached image", "this linkedin headshot").
    (
        "supplied photo",
        rf"\b(?:this|these|attached|uploaded|provided|the\s+attached|the\s+uploaded)\s+(?:[a-z]+\s+)?{_PICTURE}\b",
    ),
    (
        "person from a real place",
        rf"\b(?:g[i1!]rl|woman|lady|guy|man|barista|cashier|waitress|waiter|nurse|receptionist)\s+(?:from|at)\s+(?:the|my|our)\s+{_LOCAL}{_PLACES}\b",
    ),
    (
        "from my workplace or street",
        rf"\b(?:from|on|in)\s+(?:my|our)\s+{_PEOPLE_PLACES}\b|\bfrom\s+(?:my|our)\s+{_LOCAL}{_PLACES}\b"
        r"|\bnext\s+door\b|\bdown\s+the\s+(?:street|hall)\b",
    ),
    (
        "a worker at a named place",
        rf"\bthe\s+(?:{_SERVICE})\s+(?:at|from)\s+(?:the\s+|my\s+|our\s+)?{_LOCAL}[a-z0-9'’&]{{2,}}",
    ),
    (
        "someone of the user's",
        rf"\b(?:{EN_RELATION}|co-?workers?|girl|woman|guy|lady)\s+of\s+(?:mine|ours)\b",
    ),
    (
        "someone from the user's work or school",
        rf"\bfrom\s+(?:{_DEPARTMENTS}|work|(?:high\s+)?school|class|college|uni|church|the\s+office|upstairs|downstairs"
        r"|across\s+the\s+(?:street|hall))\b(?!\s+(?:uniform|bus|building|supplies|project|desk|play|musical|trip))"
        rf"|\b(?:works?|working)\s+in\s+{_DEPARTMENTS}\b|\bin\s+{_DEPARTMENTS}\s*,",
    ),
    (
        "works or lives near the user",
        r"\b(?:she|he|who|that)\s+(?:works|worked|lives|lived)\s+(?:at|in|on|with|upstairs|downstairs|next\s+door"
        r"|across|down|near|nearby|around\s+the\s+corner)\b",
    ),
    (
        "local presenter",
        r"\b(?:weather\s*girl|news\s*anchor|newsreader|anchorwoman|tv\s+presenter|reporter)\s+(?:from|on|at)\b",
    ),
    (
        "someone the user knows",
        r"\b(?:a\s+)?(?:girl|woman|guy|man|person|lady)\s+(?:i|we)\s+know\b|\bsomeone\s+i\s+know\b",
    ),
    (
        "photo of her (es/pt/fr/de)",
        r"\b(?:esta|sua)\s+foto\s+(?:dela|dele)\b|\bde\s+su\s+(?:instagram|facebook|tiktok)\b"
        r"|\bdo\s+instagram\s+dela\b|\bde\s+son\s+(?:instagram|facebook|tiktok)\b|\baus\s+ihrem\s+(?:instagram|facebook|tiktok)\b",
    ),
)
TOOL = (
    ("deepfake", r"\bdeep\s*-?fakes?\b"),
    (
        "face swap",
        r"\bface\s*-?swap(?:ped|ping|s)?\b|\bswap\s+(?:her|his|their|the|this)\s+face\b"
        r"|\b(?:put|paste)\s+(?:her|his|their|this)\s+face\s+on\b",
    ),
    ("img2img", r"\bimg2img\b"),
    ("same face", r"\bsame\s+face\b|\bkeep\s+(?:her|his|their|the)\s+face\b"),
)
UNDRESS = (
    (
        "nudify",
        r"\bnudif(?:y|ied|ies|ying|ier)\b|\bdeep\s*nude\b|\bclothe?s?\s+remov(?:er|al|ing)\b|\bundress(?:er|ing)?\s+app\b",
    ),
    (
        "undress request",
        r"\bundress(?:ed|es|ing)?\s+(?:her|him|them|this|that|my|the\s+(?:girl|woman|person|photo|picture|image))\b"
        r"|\bmake\s+(?:her|him|them|this|that)\s+(?:\w+\s+)?(?:naked|nude)\b"
        r"|\bremove\s+(?:(?:her|his|their|the|all)\s+)?(?:clothes|clothing|bra|dress|shirt|top|bikini|underwear)\b"
        r"|\btake\s+(?:off\s+)?(?:her|his|their)\s+(?:clothes|clothing|dress|shirt|top|bra|bikini|underwear|skirt)\b"
        r"|\b(?:x[- ]?ray|see[- ]through)\s+(?:(?:the|her|his|their)\s+)?(?:clothes|clothing|dress)\b",
    ),
    (
        "make this photo nsfw",
        rf"\bmake\s+(?:this|that|the|her|his)\s+(?:[a-z]+\s+)?{_PICTURE}\s+(?:nsfw|nude|naked)\b"
        rf"|\b(?:nsfw|nude|naked)\s+version\s+of\s+(?:this|that|the|her|his|my)\b",
    ),
    (
        "undress request (es/pt/fr/de)",
        r"\bdesn[uú]d(?:ala|alo|arla|arlo)\b|\bdesnud(?:a|ar)\s+a\s+(?:mi|esta|la|una)\b"
        r"|\bquit(?:a|ar|arle|ale)\s+la\s+ropa\b|\btir(?:a|ar|e)\s+a\s+roupa\s+dela\b"
        r"|\bdeix(?:a|e|ar)[- ]?(?:a|la)\s+nua\b"
        r"|\bd[ée]shabill(?:e|er)[- ]la\b|\bmets[- ]la\s+(?:nue|à\s+poil)\b|\benl[eè]ve\s+ses\s+v[êe]tements\b"
        r"|\bzieh\s+sie\s+aus\b|\bmach\s+sie\s+nackt\b|\bzieh\s+ihr\s+die\s+kleidung\s+aus\b",
    ),
)
STRONG = (
    (
        "real person",
        r"\breal(?:[- ]life)?\s+(?:person|woman|girl|man|guy|photo|picture|people)\b|\birl\b|\blooks?\s+real\b",
    ),
    ("leaked", r"\bleak(?:ed|s)?\b|\bvazad[oa]s?\b|\bfiltrad[oa]s?\b|\bgeleakt\b"),
    (
        "photo of",
        r"\b(?:photo|photograph|picture|pic|pics|image|video|selfie|polaroid|snapshot|nudes?)\s+of\b|\bfoto\s+(?:de|von)\b",
    ),
    ("candid", r"\bcandid\b|\bhidden\s+cam(?:era)?\b|\bspy\s*cam\b|\bselfie\b"),
    ("social media", r"\b(?:instagram|tiktok|snapchat|onlyfans)\b"),
    ("lookalike", r"\blooks?\s+(?:exactly\s+)?like\s+(?:her|him)\b|\blook-?alike\b|\bdoppelg[aä]nger\b"),
)
FICTION = (
    (
        "fiction",
        r"\b(?:anime|manga|hentai|doujin(?:shi)?|cosplay(?:er|ing)?|fan-?art|fanfic|character|waifu|husbando"
        r"|cartoon|comic|webtoon|video\s+game|game|genshin|honkai|pokemon|vtuber|original\s+character|oc|figurine"
        r"|fictional|imaginary|made[- ]up|invented)s?\b",
    ),
)
# Relations that can be children: the minors detector owns age, this only leaves evidence.
MINOR_RISK = re.compile(
    r"class-?mate|school-?mate|student|pupil|daughter|\bson\b|niece|nephew|babysitter|little (?:sister|brother)"
    r"|\bkids?\b|\bchild\b|alumn[ao]|compañer[ao] de (?:clase|escuela)|sobrin[ao]|hij[ao]"
    r"|colega de (?:classe|sala|escola)|filh[ao]|enteada|[ée]l[eè]ve|camarade de classe|ni[eè]ce|belle-fille"
    r"|\bfille\b|mitschüler|schülerin|nichte|tochter",
    _F,
)
# Substrings at least one of which a pattern's match must contain: an Aho-Corasick pass over
# the lower-cased text picks the few patterns worth running (most prompts hold none of them).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "ex-partner": ("ex", "revenge"),
    "a photo the user took": ("took", "have", "got", "found", "saved"),
    "her social media": ("her", "his", "their"),
    "use this photo": ("use",),
    "supplied photo": ("this", "these", "attached", "uploaded", "provided"),
    "person from a real place": tuple(
        "girl g1rl g!rl woman lady guy man barista cashier waitress waiter nurse receptionist".split()
    ),
    "from my workplace or street": ("from", "next", "down", "on my", "in my", "on our", "in our"),
    "works or lives near the user": ("works", "worked", "lives", "lived"),
    "a worker at a named place": ("the ",),
    "someone of the user's": (" of mine", " of ours"),
    "someone from the user's work or school": ("from ", " in "),
    "local presenter": ("weather", "news", "anchor", "tv", "reporter"),
    "someone the user knows": ("know",),
    "photo of her (es/pt/fr/de)": ("foto", "su ", "do instagram", "son ", "ihrem"),
    "deepfake": ("deep",),
    "face swap": ("face", "swap"),
    "img2img": ("img2img",),
    "same face": ("face",),
    "nudify": ("nudif", "deep", "clothe", "cloths", "undress"),
    "undress request": ("undress", "make", "remove", "take", "ray", "through"),
    "make this photo nsfw": ("make", "version"),
    "undress request (es/pt/fr/de)": ("desn", "quit", "roupa", "deix", "shabill", "mets", "enl", "zieh", "mach"),
    "real person": ("real", "irl", "look"),
    "leaked": ("leak", "vazad", "filtrad"),
    "photo of": ("photo", "picture", "pic", "image", "video", "selfie", "polaroid", "snapshot", "nude", "foto"),
    "candid": ("candid", "hidden", "spy", "selfie"),
    "social media": ("instagram", "tiktok", "snapchat", "onlyfans"),
    "lookalike": ("look", "doppelg"),
    "fiction": tuple(
        "anime manga hentai doujin cosplay fan character waifu husbando cartoon comic webtoon game genshin "
        "honkai pokemon vtuber original oc figurine fictional imaginary made invented".split()
    ),
}
RELATIONS = (
    ("", ("my ",), _EN_MY),
    ("", ("mi ", "mis "), _ES_MY),
    ("", ("minha ", "meu "), _PT_MY),
    ("", ("ma ", "mon "), _FR_MY),
    ("", ("mein",), _DE_MY),
)
#: "photo of" + a given name: the name is the subject of a photograph.
PHOTO_OF = re.compile(
    r"\b(?:photo|photograph|picture|pic|pics|image|video|selfie|polaroid|snapshot|nudes?|foto|bild|imagen)\s+(?:of|de|von|du)\s+$",
    _F,
)
#: An artist or photographer credit earlier in the same clause: names after it are styles.
ARTIST_CREDIT = re.compile(
    r"\b(?:by|artists?|style\s+of|styled\s+after|inspired\s+by|painted\s+by|photographed\s+by|shot\s+by"
    r"|estilo\s+de|style\s+de|stil\s+von|in\s+the\s+manner\s+of)\b[^.;:!?\n]*$",
    _F,
)
#: A title before a surname: "Mrs Johnson", "Frau Becker".
TITLE = re.compile(r"\b(?:mrs|ms|miss|mr|mme|mlle|frau|herr|sra|srta|sr|dr)\.?\s+$", _F)
#: A social-media handle: "@name", not an e-mail address.
HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
