"""Word lists the event and toll readers use: data only, general English news vocabulary.

Nothing here names a particular article, place or incident. ``casualties``, ``dates`` and
``events`` compile these lists into regular expressions once, at import.
"""

from __future__ import annotations

# --- numbers ------------------------------------------------------------------------------------

UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES: dict[str, int] = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}

#: Vague amounts -> the lowest figure they support (the upper bound stays empty). README "tolls".
VAGUE_AMOUNTS: dict[str, int] = {
    "a couple of": 2,
    "a few": 2,
    "few": 2,
    "a handful of": 2,
    "several": 3,
    "dozens of": 12,
    "dozens": 12,
    "scores of": 20,
    "scores": 20,
    "hundreds of": 100,
    "hundreds": 100,
    "thousands of": 1_000,
    "thousands": 1_000,
}

#: Words before a figure that make it a lower bound ("more than 40" -> 40 or more).
LOWER_BOUND: tuple[str, ...] = (
    "more than", "over", "at least", "upwards of", "in excess of", "no fewer than", "no less than",
    "not less than", "a minimum of", "at a minimum",
)
#: Words before a figure that make it an upper bound ("up to 40" -> at most 40, lower bound empty).
UPPER_BOUND: tuple[str, ...] = (
    "up to", "as many as", "at most", "fewer than", "less than", "no more than", "not more than", "nearly",
    "almost", "under", "a maximum of",
)
#: Words before a figure that leave it as stated ("about 40" -> 40).
APPROXIMATE: tuple[str, ...] = (
    "about", "around", "approximately", "roughly", "some", "an estimated", "estimated", "a total of",
    "a further", "another", "an additional",
)

#: Words right after a number that show it counts something other than people hurt.
NON_TOLL_AFTER: frozenset[str] = frozenset({
    "year", "years", "year-old", "year-olds", "month", "months", "week", "weeks", "day", "days", "hour",
    "hours", "minute", "minutes", "second", "seconds", "night", "nights", "am", "pm", "a.m.", "p.m.",
    "o'clock", "mile", "miles", "km", "kms", "kilometre", "kilometres", "kilometer", "kilometers", "metre",
    "metres", "meter", "meters", "feet", "foot", "ft", "yard", "yards", "percent", "per", "%", "dollar",
    "dollars", "usd", "euro", "euros", "pound", "pounds", "dinar", "dinars", "naira", "rupee", "rupees",
    "afghani", "afghanis", "shilling", "shillings", "cent", "cents", "kg", "kilogram", "kilograms", "ton",
    "tons", "tonne", "tonnes", "litre", "litres", "liter", "liters", "barrel", "barrels", "times", "th",
    "st", "nd", "rd", "s",
})
#: Words right before a number that show it is a label, amount or age, not a count of people.
NON_TOLL_BEFORE: frozenset[str] = frozenset({
    "$", "£", "€", "no", "no.", "number", "route", "highway", "road", "brigade", "division", "battalion",
    "regiment", "unit", "corps", "article", "resolution", "flight", "page", "chapter", "room", "aged", "age",
    "ages", "level", "phase", "grade", "platform", "gate", "km", "kilometre", "kilometer", "mile", "section",
    "paragraph", "squad", "block", "sector", "zone", "district", "checkpoint", "camp", "base", "hour",
})
MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}

#: A single person ("a policeman", "an ISIS fighter") counts as one when killed, hurt or taken.
PERSON_NOUNS: frozenset[str] = frozenset({
    "person", "man", "woman", "child", "boy", "girl", "baby", "infant", "teenager", "civilian", "soldier",
    "policeman", "policewoman", "officer", "guard", "fighter", "militant", "gunman", "insurgent", "rebel",
    "jihadist", "terrorist", "bomber", "attacker", "assailant", "suspect", "worker", "student", "teacher",
    "journalist", "reporter", "photographer", "doctor", "nurse", "farmer", "herder", "driver", "passenger",
    "pilgrim", "worshipper", "worshiper", "resident", "villager", "member", "commander", "leader", "official",
    "judge", "cleric", "imam", "priest", "pastor", "bystander", "hostage", "tourist", "trooper", "marine",
    "sergeant", "captain", "colonel", "general", "lieutenant", "major", "mastermind", "chief", "mayor",
    "governor", "lawmaker", "activist", "volunteer", "contractor", "employee", "engineer", "shepherd",
    "fisherman", "trader", "shopkeeper", "mother", "father", "son", "daughter", "brother", "sister",
    "husband", "wife", "peacekeeper", "militiaman", "recruit", "cadet", "pilot", "policeman's", "elder",
})
#: Plural nouns for people: a bare four-digit number before one of them is a count, not a year.
PEOPLE_NOUNS: frozenset[str] = frozenset({
    "people", "persons", "civilians", "soldiers", "troops", "policemen", "officers", "fighters", "militants",
    "gunmen", "insurgents", "rebels", "jihadists", "terrorists", "men", "women", "children", "residents",
    "villagers", "worshippers", "pilgrims", "students", "workers", "others", "prisoners", "inmates",
    "refugees", "migrants", "protesters", "demonstrators", "members", "recruits", "passengers",
})

# --- toll words ---------------------------------------------------------------------------------

KILLED, INJURED, CAPTURED = "killed", "injured", "captured"

#: Verb forms that take the victims as their object ("killed 10", "wounding 20").
ACTIVE_TOLL_VERBS: dict[str, str] = {
    **{w: KILLED for w in ("kill", "kills", "killed", "killing", "gunned", "slay", "slays", "slew", "slaying",
                           "execute",
                           "executes", "executed", "executing", "behead", "beheads", "beheaded", "beheading",
                           "hang", "hangs", "hanged", "hanging", "massacre", "massacred", "massacring",
                           "murder", "murders", "murdered", "murdering", "assassinate", "assassinated",
                           "assassinating", "lives")},
    **{w: INJURED for w in ("wound", "wounds", "wounded", "wounding", "injure", "injures", "injured",
                            "injuring", "hurt", "hurting", "maim", "maimed", "maiming")},
    **{w: CAPTURED for w in ("capture", "captures", "captured", "capturing", "arrest", "arrests",
                             "arrested", "arresting", "detain", "detains", "detained", "detaining", "abduct",
                             "abducts", "abducted", "abducting", "kidnap", "kidnaps", "kidnapped",
                             "kidnapping", "nab", "nabbed", "apprehend", "apprehended", "apprehending")},
}
#: Words after the victims that report the toll ("40 people died", "14 dead", "53 others injured").
PASSIVE_TOLL_WORDS: dict[str, str] = {
    **{w: KILLED for w in ("killed", "dead", "died", "die", "perished", "slain", "executed", "beheaded",
                           "hanged", "massacred", "murdered", "assassinated", "deaths", "fatalities", "bodies",
                           "corpses", "lives")},
    **{w: INJURED for w in ("wounded", "injured", "hurt", "maimed", "injuries")},
    **{w: CAPTURED for w in ("captured", "arrested", "detained", "abducted", "kidnapped", "apprehended",
                             "captives", "hostages", "taken", "nabbed")},
}
#: "<one of these> dead" is a killing verb that takes its victims after it ("shot dead two guards").
KILLED_BY: frozenset[str] = frozenset({"shot", "stabbed", "beaten", "hacked", "burned", "burnt", "bludgeoned",
                                       "clubbed", "stoned"})
#: After these, "took"/"taken" is a capture only when followed by one of them ("taken prisoner").
TAKEN_AS: frozenset[str] = frozenset({"prisoner", "prisoners", "hostage", "hostages", "captive", "captives"})
#: Words that name killed and hurt together: a figure for them goes into neither column.
COMBINED_TOLL_WORDS: frozenset[str] = frozenset({"casualties", "victims"})
#: Between a figure and the passive toll word: auxiliaries and adverbs that keep them together.
PASSIVE_GLUE: frozenset[str] = frozenset({
    "were", "was", "is", "are", "have", "has", "had", "been", "being", "be", "reportedly", "also", "all",
    "later", "initially", "reported", "confirmed", "feared", "believed", "left", "found", "so", "far",
    "either", "both", "now", "lost", "their", "killed", "since", "then", "subsequently", "allegedly",
    "apparently", "who",
})
#: Between a toll verb and its figure ("killed at least 10", "killing a total of 10").
ACTIVE_GLUE: frozenset[str] = frozenset({"a", "an", "the", "some", "about", "around", "nearly", "almost",
                                         "roughly", "total", "of", "another", "further", "off", "up", "down"})
#: "the death toll rose to 40": the words allowed between "toll" and its figure.
TOLL_GLUE: frozenset[str] = frozenset({
    "rose", "rises", "risen", "rising", "climbed", "climbs", "reached", "reaches", "stood", "stands",
    "tops", "topped", "hit", "hits", "is", "was", "has", "had", "to", "at", "of", "now", "jumped",
    "increased", "passed", "passes", "exceeded", "exceeds", "surpassed", "crossed", "been", "brought",
    "bringing", "climbing", "reaching", "up",
})
#: Words that end the victims' noun phrase before a passive toll word ("37 fighters still in ...").
PHRASE_STOPS: frozenset[str] = frozenset({
    "in", "at", "near", "on", "from", "by", "with", "to", "for", "into", "after", "before", "during", "still",
    "remain", "remained", "remains", "which", "that", "when", "where", "while", "but", "because", "as",
    "than", "if", "or", "say", "said", "says", "told", "according", "across", "inside", "outside",
    "around", "against", "without", "between", "under", "over", "per", "live", "lived", "living",
})
#: Words that start a subset of a figure already given ("10 people, including three children").
SUBSET_WORDS: frozenset[str] = frozenset({"including", "includes", "included", "among", "mostly", "mainly",
                                          "incl"})
#: Words that end a clause: figures on either side are not read together.
CLAUSE_BREAKS: frozenset[str] = frozenset({";", ":", "but", "while", "whereas", "although", "though", "yet",
                                           "because", "however", "meanwhile", "(", ")", "[", "]"})
#: Things counted that are not people: a figure for them is not a toll ("captured two villages").
NON_PERSON_NOUNS: frozenset[str] = frozenset({
    "village", "villages", "town", "towns", "city", "cities", "building", "buildings", "house", "houses",
    "home", "homes", "vehicle", "vehicles", "car", "cars", "truck", "trucks", "tank", "tanks", "weapon",
    "weapons", "rifle", "rifles", "gun", "guns", "position", "positions", "checkpoint", "checkpoints",
    "area", "areas", "district", "districts", "base", "bases", "hill", "hills", "bridge", "bridges", "road",
    "roads", "school", "schools", "hospital", "hospitals", "mosque", "mosques", "church", "churches",
    "shop", "shops", "cattle", "cows", "goats", "sheep", "camels", "animals", "boat", "boats", "ship", "ships",
    "aircraft", "plane", "planes", "drone", "drones", "rocket", "rockets", "missile", "missiles", "bomb",
    "bombs", "mine", "mines", "device", "devices", "rounds", "shells", "tunnel", "tunnels", "hectares",
    "acres", "square", "buses", "bus", "motorcycles", "motorbikes", "kilos", "tonnes", "computers", "phones",
})
#: Modal verbs before a toll word: a toll that could or would have happened is not a toll.
TOLL_HEDGES: frozenset[str] = frozenset({"could", "would", "might", "should"})
#: Words that make a sentence speculation or plan rather than a report of something that happened.
HEDGES: frozenset[str] = frozenset({"could", "would", "might", "may", "should", "if", "unless", "whether",
                                    "expect", "expected", "expecting", "fear", "fears", "feared", "believe",
                                    "believes", "plan", "plans", "planning", "threaten", "threatened",
                                    "threatens", "speculate", "speculates", "possibly", "perhaps"})

# --- event types (keys of dashboard.schema.EVENT_TYPES), most specific first ------------------------

#: Regular-expression fragments in lower case (matched on lower-cased text, at word starts) for each event type.
EVENT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "air or missile strike": (
        r"air ?strikes?", r"air ?raids?", r"air attacks?", r"aerial (?:attacks?|bombardment|bombing)",
        r"drone (?:strikes?|attacks?)", r"missiles?", r"rockets?", r"shell(?:s|ed|ing)", r"mortars?",
        r"artillery", r"bombard(?:ed|ment|ing)", r"warplanes?", r"gunships?", r"air force strikes?",
        r"airstrikes?", r"barrel bombs?", r"strikes? by (?:coalition )?(?:jets|aircraft|planes|drones)",
    ),
    "bombing/explosion": (
        r"bomb(?:s|ing|ings|ed|er|ers)?", r"car[- ]bombs?", r"ieds?", r"explosives?", r"explosions?",
        r"blasts?", r"detonat\w+", r"suicide (?:attacks?|vests?|belts?)", r"explod(?:e|ed|es|ing)",
        r"landmines?", r"improvised explosive devices?", r"grenades?",
    ),
    "execution/killing": (
        r"execut(?:e|ed|es|ing|ion|ions)", r"hang(?:ed|ing)", r"behead\w*", r"shot dead", r"gunned down",
        r"assassinat\w+", r"murder\w*", r"lynch\w*", r"massacre[ds]?", r"stoned to death", r"killed execution-style",
    ),
    "capture/arrest": (
        r"captur(?:e|ed|es|ing)", r"arrest(?:s|ed|ing)?", r"detain(?:s|ed|ing)?", r"detention",
        r"abduct\w*", r"kidnap\w*", r"taken (?:prisoner|hostage|captive)", r"took [\w ]{0,20}?hostage",
        r"rounded up", r"apprehend\w*",
    ),
    "clash": (
        r"clash(?:es|ed)?", r"fighting", r"fought", r"battles?", r"battled", r"gun ?battles?", r"firefights?",
        r"skirmish\w*", r"ambush\w*", r"sieges?", r"besieg\w+", r"exchange of fire", r"exchanged fire",
        r"repel(?:led|s)?", r"counter-?attack\w*", r"engaged",
    ),
    "armed attack": (
        r"attack(?:s|ed|ing)?", r"assault(?:s|ed|ing)?", r"raid(?:s|ed|ing)?", r"storm(?:ed|ing)",
        r"struck", r"opened fire", r"gunfire", r"shooting", r"gunm[ae]n", r"overran", r"overrun",
        r"stabb(?:ed|ing)", r"torched", r"set fire",
    ),
}
#: Nouns that, after "the/their/its/this/that" or a possessive, point back to an incident already told.
EVENT_NOUNS_BACK: frozenset[str] = frozenset({"the", "their", "its", "this", "these", "those", "his", "her",
                                              "our", "same", "such"})

# --- places named only as context ---------------------------------------------------------------

#: A place followed by one of these names a campaign or a base, not a scene ("the X offensive").
CONTEXT_AFTER: tuple[str, ...] = (
    "operation", "operations", "offensive", "campaign", "front", "frontline", "front line", "-based",
    "based", "axis", "battle", "government", "authorities", "officials", "office", "embassy", "talks",
    "agreement", "accord", "process", "conference", "summit", "ministry", "council",
)
#: A place after one of these nouns or verbs and a linking word ("a reporter in X", "the battle for X",
#: "to distract forces from X") is a backdrop, not a scene.
CONTEXT_BEFORE: frozenset[str] = frozenset({
    "reporter", "correspondent", "journalist", "analyst", "researcher", "editor", "writer", "fellow",
    "spokesman", "spokeswoman", "spokesperson", "bureau", "contributed", "reporting", "based", "headquartered",
    "exile", "battle", "war", "liberation", "recapture", "push", "march", "advance", "offensive", "campaign",
    "operation", "drive", "distract", "distracting", "delay", "delaying", "divert", "diverting", "draw", "drawing",
})
#: Where the wounded were taken is not where they were wounded: "(taken|rushed) to a hospital in X".
TREATMENT_VERBS: frozenset[str] = frozenset({
    "taken", "rushed", "evacuated", "transferred", "transported", "brought", "flown", "airlifted", "admitted",
    "treated", "hospitalised", "hospitalized",
})
TREATMENT_PLACES: frozenset[str] = frozenset({
    "hospital", "hospitals", "clinic", "clinics", "medical", "centre", "center", "centres", "centers", "infirmary",
})
#: The linking words of CONTEXT_BEFORE.
CONTEXT_LINKS: frozenset[str] = frozenset({"in", "at", "from", "for", "of", "on", "against", "toward", "towards",
                                           "into", "to"})
#: A place right after one of these is where something happened ("in X", "outside X", "hit X").
LOCATIVE_WORDS: frozenset[str] = frozenset({
    "in", "at", "near", "on", "into", "inside", "outside", "around", "across", "within", "throughout", "nearby",
    "hit", "hits", "struck", "strikes", "rocked", "rocks", "shook", "attacked", "attacks", "stormed", "storms",
    "targeted", "targets", "targeting", "bombed", "shelled", "overran", "besieged", "raided", "seized",
    "captured", "entered", "infiltrated",
})
#: "<one of these> of X" puts something at X ("north of X", "the city of X", "the outskirts of X").
LOCATIVE_OF: frozenset[str] = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "outskirts", "city",
    "town", "village", "province", "district", "neighbourhood", "neighborhood", "area", "region", "governorate",
    "capital", "suburb", "suburbs", "centre", "center", "county", "state", "municipality", "camp", "port",
    "heart", "edge", "outside", "parts", "part", "towns", "cities", "villages", "provinces", "districts",
    "neighbourhoods", "neighborhoods", "areas", "regions",
})
#: Words allowed between a locative word and the place ("in the restive northern X").
PLACE_ADJECTIVES: frozenset[str] = frozenset({
    "the", "a", "an", "its", "their", "nearby", "neighbouring", "neighboring", "restive", "downtown", "central",
    "northern", "southern", "eastern", "western", "north", "south", "east", "west", "northeastern",
    "northwestern", "southeastern", "southwestern", "remote", "rural", "besieged", "embattled", "disputed",
    "oil-rich", "strategic", "key",
})
#: Words for "the place this article is about" ("the city", "the town").
ANAPHORA: tuple[str, ...] = ("city", "town", "village")

# --- actors -------------------------------------------------------------------------------------

#: Named armed groups and forces (case-insensitive regular-expression fragments), most specific first.
NAMED_ACTORS: tuple[str, ...] = (
    r"Islamic State(?: in (?:Iraq|Syria|Iraq and (?:Syria|the Levant)|West Africa(?: Province)?))?",
    r"ISIL", r"ISIS", r"Daesh", r"Daish", r"ISWAP", r"al[- ]Qa(?:e|i)da(?: in the Arabian Peninsula)?",
    r"AQAP", r"AQIM", r"al[- ]Shabaa?b", r"Boko Haram", r"Taliban", r"Haqqani network", r"Hezbollah",
    r"Hizbullah", r"Hamas", r"Islamic Jihad", r"Houthis?(?: rebels)?", r"Ansar Allah", r"PKK", r"YPG",
    r"SDF", r"Syrian Democratic Forces", r"Peshmerga", r"Popular Mobili[sz]ation (?:Forces|Units)", r"PMF",
    r"PMU", r"Hashd al-Shaabi", r"(?:al-)?Nusra Front", r"Jabhat al-Nusra", r"Hayat Tahrir al-Sham", r"HTS",
    r"Wagner(?: Group)?", r"Rapid Support Forces", r"RSF", r"M23", r"ADF", r"Allied Democratic Forces",
    r"JNIM", r"Lashkar-e-Taiba", r"Jaish-e-Mohammed", r"Tehrik-i-Taliban(?: Pakistan)?", r"TTP", r"FARC",
    r"ELN", r"NATO", r"(?:US|U\.S\.)-led coalition", r"coalition", r"Fulani (?:herdsmen|militants)",
    r"Janjaweed", r"Sinaloa cartel", r"cartel", r"(?:Iraqi|Afghan|Nigerian|Syrian|Turkish|Israeli|Russian"
    r"|Ukrainian|Pakistani|Somali|Yemeni|Saudi|Malian|Kenyan|US|American) (?:army|air force|forces|troops"
    r"|police|military|soldiers|security forces|warplanes|jets|special forces)",
    r"Air Force", r"security forces", r"government forces", r"armed forces", r"special forces",
    r"counter[- ]terrorism (?:units|forces|service)",
)
#: Acronyms that are also ordinary words in lower case ("IS"): matched case-sensitively.
CASED_ACTORS: tuple[str, ...] = (r"IS",)
#: Generic perpetrators, used when no named group is given.
GENERIC_ACTORS: tuple[str, ...] = (
    r"suicide bombers?", r"gunm[ae]n", r"militants?", r"jihadists?", r"insurgents?", r"rebels?",
    r"terrorists?", r"militia(?:men|s)?", r"bandits?", r"armed men", r"assailants?", r"attackers?",
    r"troops", r"soldiers", r"police", r"army", r"herdsmen", r"pirates",
)
