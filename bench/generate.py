"""Generate a synthetic hubkb corpus of N French posts, deterministically.

    python bench/generate.py N OUTDIR [--seed 1] [--aliases K] [--overwrite]

writes OUTDIR/corpus/posts/*.md and OUTDIR/corpus/{people,organisations,
works,terms}.yaml in the corpus format of DESIGN.md. Same N, seed and K give
byte-identical files. Stdlib and PyYAML only; 10,000 posts take about 8 s.

Scale: 300 + N/20 people, min(200, 100 + N/100) organisations,
max(1000, N/3) works, 50 terms, K aliases in all over people and
organisations (default 300). The authority entries (names, works, terms) do
not depend on K, and neither does the structure of the posts (front matter,
paragraphs, sentence choice): only the alias lists and the spelling chosen
for each mention change, so runs at K=300 and K=10,000 are comparable.

Names, aliases and titles are unique after case/accent/elision folding, carry
no digits (but for La 27e Région), and no one-word alias folds to a word of
the generated prose.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import re
import string
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class GenerateError(Exception):
    """A request the generator cannot meet (too many aliases, a non-empty OUTDIR)."""


T = TypeVar("T")

# --------------------------------------------------------------------------
# Vocabulary (plain data; "|" separates entries that contain spaces)
# --------------------------------------------------------------------------

SEED_PEOPLE = (
    "Régis Chatellier|Laura Prandelle|Hubert Guillaud|David Boyle|Michael Harris|"
    "Susie Cagle|Ivo Gormley|Antonin Leonard|Margaret Thatcher|Elinor Ostrom|Ezio Manzini"
).split("|")

FIRST_NAMES = """
Régis Laura Hubert Élise Éloïse Amélie Anaïs Agnès André Benoît Béatrice Cécile Céline
Chloé Clément Daniel Denis Dominique Édouard Émile Émilie Estelle Étienne Fabienne
François Françoise Frédéric Gaëlle Gaëtan Gérard Hélène Héloïse Hervé Inès Irène Jérôme
Joël Joëlle Julien Léa Léon Lucie Manon Margaux Mathéo Michèle Mélanie Noémie Noël
Océane Olivier Pénélope Raphaël Rémi Sébastien Séverine Solène Stéphane Sylvie Thaïs
Théo Thérèse Valérie Véronique Zoé Anne Claire Marc Paul Pierre Sophie Camille Nicolas
Mathilde Isabelle Antoine Yves Agathe Adèle Aurélie Baptiste Jean-Baptiste Marie-Hélène
Anne-Sophie Jean-François Loïc Maïwenn Gwenaël Ségolène Aimé Anatole Bérénice Capucine
""".split()

LAST_NAMES = """
Lefèvre Mercier Girard Bonnet Dupré Fournier Rousseau Blanchard Garnier Faure Bézier
Lemaître Caron Chevalier Deschamps Duval Fontaine Gauthier Hébert Jourdain Laurent Léger
Marchand Ménard Moreau Perrin Poirier Rivière Roché Sénéchal Thébault Vasseur Vidal
Barbier Béranger Brunet Carré Collin Daubigny Delacroix Écuyer Ferrand Gérin Hamelin
Huet Jacquet Joubert Labbé Lacroix Lagarde Lécuyer Lemoine Maréchal Méjean Millet
Navarre Pagès Pelletier Prévost Quéré Raynaud Régnier Renaud Roussel Sauvé Tessier
Thévenin Tréguier Vallée Vernier Aubert Bouchard Boucher Cazenave Charrier Coste
Daguerre Desjardins Émery Évrard Féraud Gaillard Guérin Huguenin Imbert Jaouen Kergoat
Lebrun Marais Pasquier Sabatier Salaün Tardieu Urvoy Valéry Weiss Zéraffa Lançon
Françon Besançon Haïk Boïeldieu Laïné Goëau Mévellec Le_Gall Kérvella Ollivier
Aubry Bénard Chauvière Delaunay Estève Fabré Guillemot Hénaff Jézéquel Kervarec
Lesueur Monnier Nédélec Orsini Péron Queffélec Riquier Savary Thiébaut Uzès Verdier
""".split()
LAST_NAMES = [name.replace("_", " ") for name in LAST_NAMES]

CITIES = """
Paris Lyon Marseille Lille Nantes Rennes Bordeaux Toulouse Grenoble Strasbourg
Montpellier Nancy Metz Brest Angers Tours Dijon Besançon Rouen Caen Poitiers Limoges
Amiens Reims Nîmes Avignon Bayonne Pau Perpignan Quimper Lorient Valence Annecy
Chambéry Clermont-Ferrand Saint-Étienne Orléans Le_Mans Montréal Bruxelles Genève
""".split()
CITIES = [city.replace("_", " ") for city in CITIES]

SEED_ORGS = (
    ("Nesta", "foundation", "https://www.nesta.org.uk/"),
    ("La 27e Région", "association", "https://www.la27eregion.fr/"),
    ("Ouishare", "network", "https://www.ouishare.net/"),
    ("Fing", "association", "https://fing.org/"),
    ("Plein Sens", "company", None),
    ("Le hub agence", "company", None),
    ("Observatoire des innovations de la Cité des sciences et de l’industrie", "public", None),
)

ORG_HEADS = (
    ("Agence", "agency"),
    ("Fondation", "foundation"),
    ("Institut", "lab"),
    ("Observatoire", "lab"),
    ("Laboratoire", "lab"),
    ("Collectif", "association"),
    ("Association", "association"),
    ("Réseau", "network"),
    ("Cabinet", "company"),
    ("Atelier", "company"),
    ("Centre", "public"),
    ("Conseil", "public"),
    ("Mission", "public"),
    ("Maison", "association"),
    ("Coopérative", "company"),
    ("École", "university"),
    ("Université populaire", "university"),
    ("Fabrique", "company"),
)

ORG_TAILS = """
de l’innovation publique|des usages numériques|pour la participation citoyenne|du design social|
des transitions|des communs urbains|de l’économie collaborative|de l’action publique|
des territoires apprenants|de la démocratie locale|pour l’innovation sociale|des tiers-lieux|
de la médiation numérique|des politiques publiques|de la coopération|de l’éducation populaire|
des services publics|du pouvoir d’agir|des solidarités|de la ville durable|de l’expérimentation|
des données ouvertes|de la santé communautaire|des mobilités douces|de l’habitat participatif|
des savoirs partagés|de l’intelligence collective|du lien social|des nouveaux usages|
de l’économie circulaire
""".replace("\n", "").split("|")

TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coproduction", ("coproduction de services", "coproduction des services publics")),
    ("innovation", ()),
    ("innovation sociale", ("innovations sociales",)),
    ("innovation publique", ("innovation dans le secteur public",)),
    ("innovation ouverte", ("open innovation",)),
    ("design de services", ("service design", "design des services")),
    ("design thinking", ()),
    ("design social", ()),
    ("économie collaborative", ("économie du partage", "sharing economy")),
    ("économie sociale et solidaire", ("ESS",)),
    ("communs", ("biens communs", "commons")),
    ("participation citoyenne", ("participation des citoyens",)),
    ("démocratie participative", ()),
    ("budget participatif", ("budgets participatifs",)),
    ("living lab", ("laboratoire vivant", "living labs")),
    ("tiers-lieu", ("tiers-lieux",)),
    ("fab lab", ("fablab", "fab labs")),
    ("empowerment", ("pouvoir d’agir",)),
    ("capacitation", ()),
    ("open data", ("données ouvertes",)),
    ("civic tech", ("technologies civiques",)),
    ("gouvernance", ()),
    ("coconstruction", ("construction partagée",)),
    ("coconception", ("codesign", "conception participative")),
    ("usager", ("usagers",)),
    ("expérience usager", ("expérience utilisateur",)),
    ("intelligence collective", ()),
    ("crowdsourcing", ("production participative",)),
    ("do it yourself", ("DIY",)),
    ("culture maker", ("mouvement maker",)),
    ("prototypage", ()),
    ("expérimentation", ()),
    ("politique publique", ("politiques publiques",)),
    ("service public", ("services publics",)),
    ("transition écologique", ()),
    ("résilience", ()),
    ("inclusion numérique", ()),
    ("médiation numérique", ()),
    ("économie circulaire", ()),
    ("tiers secteur", ()),
    ("entrepreneuriat social", ()),
    ("utilité sociale", ()),
    ("impact social", ()),
    ("innovation frugale", ()),
    ("innovation ascendante", ("bottom-up",)),
    ("pair-à-pair", ("peer-to-peer", "P2P")),
    ("réciprocité", ()),
    ("éthique du care", ("care",)),
    ("action publique", ()),
    ("sobriété", ()),
)

TAGS = (
    "coproduction|innovation|économie collaborative|services publics|design|participation|"
    "numérique|communs|territoires|démocratie|santé|éducation|transition|culture|mobilité|"
    "logement|emploi|open data|usagers|recherche"
).split("|")

SITES = ("l’hubservatoire", "l’hubservatoire", "l’hubservatoire", "Le hub agence", "Plein Sens")

NOUNS = """
la coproduction|la co-production|l’innovation|l’innovation sociale|les usagers|les agents|
les élus|les habitants|la collectivité|les collectivités territoriales|l’administration|
l’État|le service public|les services publics|la participation|la démocratie locale|
le design de services|l’économie collaborative|les communs|le territoire|les territoires ruraux|
la ville|le quartier|les associations|les entreprises|les start-up|les plateformes|le numérique|
les données|l’expérimentation|le prototype|la méthode|la démarche|le projet|les acteurs|
les professionnels|la sphère familiale|les réseaux sociaux|la confiance|la réciprocité|
l’évaluation|la politique publique|l’action publique|les usages|l’expérience|la recherche|
les chercheurs|le laboratoire|l’atelier|la résidence|le tiers-lieu|la médiation|
l’éducation populaire|la santé|l’école|la mobilité|le logement|l’emploi|la culture|
la bibliothèque|la mairie|la région|l’agence|le hub|l’observatoire|la transition écologique|
la sobriété|les communautés|les makers|le fab lab|l’open data|les citoyens|la société civile|
le marché|le secteur privé|l’intérêt général|la gouvernance|le pouvoir d’agir|l’autonomie|
la coopération|la co-conception|la coconstruction|les besoins|les compétences|les savoirs|
l’usage|la relation|le dialogue|le contrat|le budget|la dépense publique|l’efficacité|
la qualité|la proximité|la crise|la décentralisation|l’hôpital|les patients|les aidants|
les bénévoles|les jeunes|les seniors|les quartiers prioritaires|la 27ème Région|
l’équipe de la 27e Région|le design thinking|la puissance publique|les usagers-experts|
la frugalité|l’écosystème|les tiers de confiance|la plateforme|le consommateur|
les pratiques collaboratives|l’économie du partage|le crowdfunding|les données personnelles|
la sphère sociale|l’innovation ouverte|les living labs|le prototypage rapide|l’ingénierie|
la maîtrise d’usage|les maîtres d’ouvrage|le cahier des charges|la commande publique
""".replace("\n", "").split("|")

VERB_SPEC = """
transforme/transforment|interroge/interrogent|associe/associent|renouvelle/renouvellent|
met en jeu/mettent en jeu|déplace/déplacent|questionne/questionnent|mobilise/mobilisent|
redéfinit/redéfinissent|prolonge/prolongent|complète/complètent|éclaire/éclairent|
fragilise/fragilisent|renforce/renforcent|accompagne/accompagnent|
s’appuie sur/s’appuient sur|dépend/dépendent/de|passe par/passent par|relève/relèvent/de|
ouvre la voie/ouvrent la voie/à|fait écho/font écho/à|remet en cause/remettent en cause|
implique/impliquent|rapproche/rapprochent|précède/précèdent|nourrit/nourrissent|
réinvente/réinventent|contourne/contournent|outille/outillent|documente/documentent|
participe/participent/à|rend visible/rendent visibles|
"""


def parse_verbs(spec: str) -> tuple[tuple[str, str, str], ...]:
    """'sg/pl[/prep]' entries: singular and plural forms, and the preposition
    the object takes ('de' gives du/des, 'à' gives au/aux)."""
    verbs = []
    for entry in spec.replace("\n", "").strip("|").split("|"):
        singular, plural, *prep = entry.split("/")
        verbs.append((singular, plural, prep[0] if prep else ""))
    return tuple(verbs)


VERBS = parse_verbs(VERB_SPEC)

ADVERBIALS = """
à l’échelle locale| depuis les années 1970| au quotidien| sur le terrain| dans la durée|
en France comme ailleurs| au Royaume-Uni| de manière ascendante| par le bas| en pratique|
dans les faits| plus qu’on ne le croit| à bas bruit| de façon inattendue| à leur manière|
avec des moyens limités| sans toujours le dire| depuis la crise de 2008| dans l’ombre|
à grande échelle| au fil des ateliers| pas à pas|||||
""".replace("\n", "").split("|")
ADVERBIALS = [(" " + a.strip()) if a.strip() else "" for a in ADVERBIALS]

CONNECTORS = """
Dans ce contexte,|En d’autres termes,|Pourtant,|De fait,|Au fond,|À l’inverse,|
Concrètement,|Autrement dit,|Par ailleurs,|C’est pourquoi|Ainsi,|Reste que|En somme,
""".replace("\n", "").split("|")

DEF_OPENINGS = "délivrer concevoir produire imaginer organiser transformer évaluer construire repenser".split()

DEF_FRAMES = (
    "{inf} {np} dans une relation réciproque et égale entre {np2}, {np3} et {np4}",
    "une démarche qui consiste à {inf} {np} avec et pour {np2}, de l’idée à l’évaluation",
    "le fait de {inf} {np} en s’appuyant sur {np2} plutôt que sur {np3}",
    "un processus par lequel {np} et {np2} apprennent à {inf} ensemble {np3}",
    "la capacité de {inf} {np} là où {np2} ne suffit plus, en associant {np3}",
    "une manière de {inf} {np} qui reconnaît {np2} comme une ressource et non comme un coût",
)

QUOTE_FRAMES = (
    "{n1} de {n2}",
    "{NP} n’est pas un luxe, c’est une nécessité",
    "on ne peut pas {inf} {np} sans {np2}",
    "{NP} {v} {np2}, et c’est {np3} qui en paie le prix",
    "il faut {inf} {np} avant de {inf2} {np2}",
)

QUOTE_NOUNS = """
capitalisme de catastrophe|bricolage institutionnel|démocratie du faire|économie de la débrouille|
urbanisme tactique|bureaucratie créative|participation alibi|innovation de guichet|
solidarité de proximité|intelligence des usages
""".replace("\n", "").split("|")

TITLE_FRAMES_FR = (
    "{NP} : {np} et {np2}",
    "Repenser {np}",
    "Vers {np2} ?",
    "Manifeste pour {np}",
    "Le guide {de_np}",
    "Petit traité {de_np}",
    "{NP} en pratique",
    "Quand {np} {v} {np2}",
    "Enquête sur {np}",
    "{NP}, {np2} et {np3}",
    "Pour en finir avec {np}",
    "Ce que {np} fait à {np2}",
    "Rapport sur {np}",
    "Les métamorphoses {de_np}",
)

TITLE_FRAMES_EN = (
    "The Challenge of {X}",
    "{X} Inside Out",
    "Public Services and {X}",
    "Rethinking {X}",
    "{X}: A Practical Guide",
    "People Powered {X}",
    "Beyond {X}",
    "Governing {X}",
    "{X} and {Y}",
    "Making {X} Work",
    "The Future of {X}",
    "{X} in Practice",
)

EN_NOUNS = """
Co-production|Social Innovation|Public Services|Design|the Commons|Participation|Civic Tech|
Open Government|the Sharing Economy|Local Democracy|Citizen Engagement|Service Design|
Collaborative Consumption|Prototyping|Public Value|Mutual Aid|Community Health|Open Data
""".replace("\n", "").split("|")

POST_TITLE_FRAMES = (
    "Vous avez dit {term} ?",
    "{Term} : {np}",
    "Retour sur {np}",
    "Ce que {np} fait à {np2}",
    "{NP}, {np2} et {np3}",
    "Entretien avec {person}",
    "{Term} et {term2} : où en est-on ?",
    "Petite histoire {de_term}",
    "À quoi sert {np} ?",
    "Lu pour vous : {np}",
)

BOOK_PUBLISHERS = (
    "La Découverte",
    "Éditions du Seuil",
    "Fyp éditions",
    "Presses universitaires de Rennes",
    "Presses de Sciences Po",
    "Éditions de l’Atelier",
    "Odile Jacob",
    "Le Bord de l’eau",
    "Éditions Charles Léopold Mayer",
    "Gallimard",
    "Armand Colin",
    "MIT Press",
    "Cambridge University Press",
    "Éditions Rue d’Ulm",
)
JOURNALS = (
    "Revue française d’administration publique",
    "Mouvements",
    "Esprit",
    "Sciences de la société",
    "Revue d’économie industrielle",
    "Public Management Review",
    "Internet Actu",
    "La Vie des idées",
    "Socio",
    "Réseaux",
)
VIDEO_PUBLISHERS = ("Vimeo", "YouTube", "Arte", "Dailymotion")
WORK_TYPES = ("report", "book", "article", "video", "webpage")
WORK_TYPE_WEIGHTS = (25, 30, 25, 8, 12)

# --------------------------------------------------------------------------
# Folding (mirrors hubkb.text.fold; bench code must not import the package)
# --------------------------------------------------------------------------

_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)'", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(\d+)\s*(?:e|ème|eme|ième|ieme|er|ère|ere)\b", re.IGNORECASE)
_CO_WORD = re.compile(r"\b(co)[-‐‑](\w+)", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = str.maketrans({c: "'" for c in "’‘`´ʼ′"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The comparison key of names: case, accents, elisions, co- hyphens, ordinals."""
    text = _ELISION.sub(" ", text.translate(_APOSTROPHES))
    text = _ORDINAL.sub(lambda m: f"{m.group(1)}e", strip_accents(text))
    text = _CO_WORD.sub(lambda m: m.group(1) + m.group(2), text)
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def slug(text: str, max_words: int = 8) -> str:
    """An ASCII id: 'La 27e Région' -> 'la-27e-region'."""
    words = [re.sub(r"[^a-z0-9]", "", w) for w in fold(text).split()]
    return "-".join([w for w in words if w][:max_words]) or "untitled"


def ascii_slug(text: str) -> str:
    """The slug part of a post file name: at most six words, 60 characters."""
    return slug(text, 6)[:60].strip("-")


def starts_with_vowel(text: str) -> bool:
    return strip_accents(text[:1]).lower() in "aeiouyh"


def de(text: str) -> str:
    """'de' + a name or a bare noun, elided before a vowel: d’Élise Lefèvre."""
    return f"d’{text}" if starts_with_vowel(text) else f"de {text}"


def de_np(np: str) -> str:
    """'de' + a noun phrase with its article: du, de la, de l’, des."""
    if np.startswith("le "):
        return "du " + np[3:]
    if np.startswith("les "):
        return "des " + np[4:]
    return "de " + np


def a_np(np: str) -> str:
    """'à' + a noun phrase with its article: au, à la, à l’, aux."""
    if np.startswith("le "):
        return "au " + np[3:]
    if np.startswith("les "):
        return "aux " + np[4:]
    return "à " + np


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_plural(np: str) -> bool:
    return np.startswith(("les ", "des "))


class FoldedNames:
    """Every name, alias and title issued so far, by folded key."""

    def __init__(self, reserved_words: set[str]) -> None:
        self.keys: set[str] = set()
        self.reserved_words = reserved_words

    def claim(self, text: str) -> bool:
        key = fold(text)
        if not key or key in self.keys or len(key) < 3:
            return False
        if " " not in key and key in self.reserved_words:
            return False  # a one-word alias equal to a prose word would match everywhere
        self.keys.add(key)
        return True


def prose_words() -> set[str]:
    """Folded words of the generated prose, which single-word aliases must avoid."""
    pieces = [*NOUNS, *ADVERBIALS, *CONNECTORS, *DEF_OPENINGS, *QUOTE_NOUNS, *CITIES, *TAGS]
    pieces += [" ".join(v) for v in VERBS] + [label for label, _ in TERMS]
    pieces += [*DEF_FRAMES, *QUOTE_FRAMES, *TITLE_FRAMES_FR, *POST_TITLE_FRAMES, *SENTENCE_TEXT]
    words = set(fold(" ".join(pieces)).split())
    words.update("le la les de des du un une et ou en au aux par pour sur dans avec qui que".split())
    return words


# --------------------------------------------------------------------------
# Authority records
# --------------------------------------------------------------------------


@dataclass
class Person:
    id: str
    name: str
    first: str
    last: str
    organisations: list[str]
    aliases: list[str] = field(default_factory=list)


@dataclass
class Organisation:
    id: str
    name: str
    kind: str
    url: str | None
    aliases: list[str] = field(default_factory=list)


@dataclass
class Work:
    id: str
    type: str
    title: str
    authors: list[str]
    year: int
    publisher: str
    language: str
    url: str | None


@dataclass
class Term:
    id: str
    label: str
    aliases: list[str]


@dataclass
class Authorities:
    people: list[Person]
    organisations: list[Organisation]
    works: list[Work]
    terms: list[Term]


def unique_id(base: str, taken: set[str]) -> str:
    """base, then base-b, base-c ... (letters: ids of namesakes never differ by a digit)."""
    candidate = base
    for suffix in itertools.chain([""], _letter_suffixes()):
        candidate = f"{base}-{suffix}" if suffix else base
        if candidate not in taken:
            break
    taken.add(candidate)
    return candidate


def _letter_suffixes() -> Iterator[str]:
    for size in itertools.count(1):
        for letters in itertools.product(string.ascii_lowercase, repeat=size):
            word = "".join(letters)
            if word != "a":
                yield word


def make_organisations(rng: random.Random, count: int, names: FoldedNames) -> list[Organisation]:
    orgs: list[Organisation] = []
    ids: set[str] = set()
    for name, kind, url in SEED_ORGS[:count]:
        names.claim(name)
        orgs.append(Organisation(unique_id(slug(name), ids), name, kind, url))
    while len(orgs) < count:
        head, kind = rng.choice(ORG_HEADS)
        name = f"{head} {rng.choice(ORG_TAILS)}"
        if rng.random() < 0.5:
            name += f" {de(rng.choice(CITIES))}" if rng.random() < 0.5 else f" {rng.choice(CITIES)}"
        if not names.claim(name):
            continue
        org_id = unique_id(slug(name), ids)
        url = f"https://www.{org_id.replace('-', '')[:24]}.fr/" if rng.random() < 0.6 else None
        orgs.append(Organisation(org_id, name, kind, url))
    return orgs


def make_people(rng: random.Random, count: int, orgs: Sequence[Organisation], names: FoldedNames) -> list[Person]:
    pairs = [tuple(name.split(" ", 1)) for name in SEED_PEOPLE[:count]]
    combos = list(itertools.product(FIRST_NAMES, LAST_NAMES))
    rng.shuffle(combos)
    pairs += combos
    people: list[Person] = []
    ids: set[str] = set()
    for first, last in itertools.chain(pairs, _double_barrelled(rng)):
        if len(people) == count:
            break
        name = f"{first} {last}"
        if not names.claim(name):
            continue
        affiliations = [o.id for o in rng.sample(orgs, rng.choices((0, 1, 2), (15, 70, 15))[0])]
        people.append(Person(unique_id(slug(name), ids), name, first, last, sorted(affiliations)))
    return people


def _double_barrelled(rng: random.Random) -> Iterator[tuple[str, str]]:
    while True:
        first, last2 = rng.sample(LAST_NAMES, 2)
        yield rng.choice(FIRST_NAMES), f"{first}-{last2}"


def make_terms() -> list[Term]:
    terms = []
    for label, aliases in TERMS:
        keys = {fold(label)}
        for alias in aliases:
            if fold(alias) in keys:
                raise ValueError(f"term alias {alias!r} folds like another spelling of {label!r}")
            keys.add(fold(alias))
        terms.append(Term(slug(label), label, list(aliases)))
    return terms


# --------------------------------------------------------------------------
# Aliases: K spellings, round-robin over a shuffled list of entities
# --------------------------------------------------------------------------


def initials(first: str) -> str:
    """'Jean-Baptiste' -> 'J.-B.'; 'Élise' -> 'É.'"""
    return "-".join(part[0] + "." for part in first.split("-"))


def person_alias_candidates(p: Person, rng: random.Random) -> Iterator[str]:
    last = p.last
    yield f"{initials(p.first)} {last}"
    yield f"{last} {initials(p.first)}"
    yield f"{last}, {p.first}"
    yield f"{p.first} {last[0]}."
    yield f"Dr {p.first} {last}"
    letters = list("ABCDEFGHJKLMNPRSTV")
    rng.shuffle(letters)
    for letter in letters:
        yield f"{p.first} {letter}. {last}"
        yield f"{initials(p.first)} {letter}. {last}"
        yield f"{last}, {p.first} {letter}."
        yield f"{last} {initials(p.first)}{letter}."


def acronym(name: str) -> str:
    words = re.findall(r"[A-Za-zÀ-ÿ]+", name.replace("’", " "))
    letters = [w[0] for w in words if len(w) > 3 or w[0].isupper()]
    return strip_accents("".join(letters)).upper()


def org_alias_candidates(o: Organisation, rng: random.Random) -> Iterator[str]:
    short = acronym(o.name)
    if len(short) >= 3:
        yield short
    for article in ("La ", "Le ", "L’", "Les "):
        if o.name.startswith(article):
            yield o.name[len(article) :]
    cities = list(CITIES)
    rng.shuffle(cities)
    for city in cities:
        if city in o.name:
            continue
        yield f"{o.name} – {city}"
        if len(short) >= 3:
            yield f"{short} {city}"
        yield f"{o.name}, antenne {de(city)}"


def assign_aliases(seed: int, auth: Authorities, total: int, names: FoldedNames) -> None:
    """Give `total` aliases in all, one entity at a time in a shuffled order."""
    entities: list[tuple[Person | Organisation, Iterator[str]]] = []
    for p in auth.people:
        entities.append((p, person_alias_candidates(p, random.Random(f"{seed}:{p.id}"))))
    for o in auth.organisations:
        entities.append((o, org_alias_candidates(o, random.Random(f"{seed}:{o.id}"))))
    random.Random(f"{seed}:aliases").shuffle(entities)
    given = 0
    while given < total and entities:
        alive = []
        for entity, candidates in entities:
            if given == total:
                break
            alias = next((c for c in candidates if names.claim(c)), None)
            if alias is None:
                continue  # this entity has run out of spellings
            entity.aliases.append(alias)
            given += 1
            alive.append((entity, candidates))
        entities = alive
    if given < total:
        raise GenerateError(f"only {given} distinct aliases are possible at this N; lower --aliases")


# --------------------------------------------------------------------------
# Works
# --------------------------------------------------------------------------


def make_works(
    rng: random.Random,
    count: int,
    people: Sequence[Person],
    orgs: Sequence[Organisation],
    names: FoldedNames,
    prose: Prose,
) -> list[Work]:
    works: list[Work] = []
    ids: set[str] = set()
    while len(works) < count:
        kind = rng.choices(WORK_TYPES, WORK_TYPE_WEIGHTS)[0]
        language = "en" if rng.random() < 0.2 else "fr"
        title = english_title(rng) if language == "en" else prose.work_title()
        if not names.claim(title):
            continue
        authors, id_base = work_authors(rng, kind, people, orgs)
        year = max(1970, 2024 - int(rng.expovariate(1 / 9)))
        work_id = unique_id(f"{id_base}-{year}", ids)
        url = f"https://example.org/{work_id}" if kind in ("video", "webpage", "report") else None
        works.append(Work(work_id, kind, title, authors, year, work_publisher(rng, kind, orgs), language, url))
    return works


def english_title(rng: random.Random) -> str:
    x, y = rng.sample(EN_NOUNS, 2)
    return cap(rng.choice(TITLE_FRAMES_EN).format(X=x, Y=y))


def work_authors(
    rng: random.Random, kind: str, people: Sequence[Person], orgs: Sequence[Organisation]
) -> tuple[list[str], str]:
    """Author names and the id stem: 'boyle-harris', 'nesta', 'lefevre-et-al'."""
    if kind in ("report", "webpage") and rng.random() < 0.6:
        org = rng.choice(orgs)
        return [org.name], "-".join(org.id.split("-")[:3])
    authors = rng.sample(people, 1 if kind == "video" else rng.choices((1, 2, 3), (55, 30, 15))[0])
    lasts = [slug(p.last, 2) for p in authors]
    stem = "-".join(lasts) if len(lasts) < 3 else f"{lasts[0]}-et-al"
    return [p.name for p in authors], stem


def work_publisher(rng: random.Random, kind: str, orgs: Sequence[Organisation]) -> str:
    if kind == "book":
        return rng.choice(BOOK_PUBLISHERS)
    if kind == "article":
        return rng.choice(JOURNALS)
    if kind == "video":
        return rng.choice(VIDEO_PUBLISHERS)
    return rng.choice(orgs).name


# --------------------------------------------------------------------------
# Prose
# --------------------------------------------------------------------------

# Sentence frames. Slots: {NP}/{np} noun phrases ({NP} capitalised), {v} a verb
# agreeing with {np} and its object, {de_np}, {person}, {de_person}, {org},
# {de_org}, {term}, {de_term}, {city}, {year}, {n}, {adv}, {conn}, {title}.
SENTENCES = (
    "{NP} {v} {obj}{adv}.",
    "{NP} {v} {obj}{adv}.",
    "{conn} {np} {v} {obj}.",
    "Pour {person}, {np} {v} {obj}.",
    "Selon {org}, {np} {v} {obj}{adv}.",
    "Comme le rappelle {person}, {np} {v} {obj}.",
    "C’est ce que montrent les travaux {de_person} sur {np}.",
    "La question {de_term} se pose ici {adv_or_plain}.",
    "À {city}, {org} {v_sg} {obj} avec {np2}.",
    "Il ne s’agit pas seulement {de_np}, mais aussi {de_np2}.",
    "{person} ({org}) {v_sg} {obj}.",
    "On retrouve ici l’idée {de_term}, chère à {person}.",
    "Qu’il s’agisse {de_np} ou {de_np2}, {np3} {v} {obj}.",
    "Depuis {year}, {np} {v} {obj}{adv}.",
    "Le rapport {de_org} publié en {year} {v_sg} {obj}.",
    "Lors d’un atelier organisé par {org}, {person} expliquait que {np} {v} {obj}.",
    "{NP} {v} {obj} : c’est tout l’enjeu {de_term}.",
    "Ce n’est pas un hasard si {np} {v} {obj}.",
    "Lors de la {n}ème édition {de_np}, {np2} {v} {obj}.",
    "Le {n}e atelier {de_org} portait sur {np}.",
    "Dans *{title}*, {person} {v_sg} {obj}.",
    "Voir aussi le travail {de_org} sur {np} ({url}).",
    "{NP} {v} {obj}, {np2} {v2} {obj2}.",
    "Entre {np} et {np2}, la frontière se déplace{adv}.",
    "Les équipes {de_org} et {de_org2} ont d’ailleurs montré que {np} {v} {obj}.",
    "La co-production {de_np} suppose {np2}.",
    "{person} et {person2} y voient une forme {de_term}.",
)

_NP_SLOTS = frozenset({"NP", "np", "np2", "np3"})
_VERB_SLOTS = frozenset({"v", "v2", "v_sg"})
SENTENCE_TEXT = [re.sub(r"\{[^}]*\}", " ", s) for s in SENTENCES]
_SLOT = re.compile(r"\{(\w+)\}")


def compile_frame(frame: str) -> list[tuple[str, str]]:
    """A frame as (literal, slot) pairs, parsed once; the last slot is ''."""
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in _SLOT.finditer(frame):
        parts.append((frame[pos : m.start()], m.group(1)))
        pos = m.end()
    parts.append((frame[pos:], ""))
    return parts


def zipf_table(items: Sequence[T], exponent: float) -> list[T]:
    """`items` repeated in proportion to 1/rank**exponent, for O(1) weighted picks."""
    weights = [1 / (rank + 1) ** exponent for rank in range(len(items))]
    per_unit = 4 / weights[-1]  # the rarest item still gets four slots
    return [item for item, w in zip(items, weights) for _ in range(round(w * per_unit))]


@dataclass
class Surfaces:
    """The spellings a mention of each entity may take in running text."""

    canonical: list[str]
    variants: list[list[str]]  # aliases and fold-equal spellings, per entity


def person_surfaces(people: Sequence[Person]) -> Surfaces:
    variants = []
    for p in people:
        forms = list(p.aliases)
        if strip_accents(p.name) != p.name:
            forms.append(strip_accents(p.name))  # "Regis Chatellier": equal once folded
        variants.append(forms)
    return Surfaces([p.name for p in people], variants)


def org_surfaces(orgs: Sequence[Organisation]) -> Surfaces:
    canonical, variants = [], []
    for o in orgs:
        name = o.name
        if name.startswith(("La ", "Le ", "Les ")):
            name = name[0].lower() + name[1:]  # mid-sentence article
        canonical.append(name)
        forms = list(o.aliases)
        if re.search(r"\d+e\b", name):
            forms.append(re.sub(r"(\d+)e\b", r"\1ème", name))  # "la 27ème Région"
        variants.append(forms)
    return Surfaces(canonical, variants)


class Prose:
    """French-like text. `rng` drives structure, `surface_rng` only spellings.

    Mentions pick an entity with `rng` (Zipf: a few people are cited a lot) and
    its spelling with `surface_rng`, so the alias count changes spellings only.
    """

    def __init__(self, rng: random.Random, surface_rng: random.Random) -> None:
        self.rng = rng
        self.surface_rng = surface_rng
        self.random = rng.random  # hot path: seq[int(random() * len(seq))], as rng.choice does
        self.frames = [compile_frame(f) for f in SENTENCES]
        self.nouns = zipf_table(NOUNS, 0.7)
        self.people: Surfaces = Surfaces([], [])
        self.orgs: Surfaces = Surfaces([], [])
        self.people_table: list[int] = []
        self.orgs_table: list[int] = []
        self.work_titles: list[str] = []
        self.term_labels = [label for label, _ in TERMS]
        self.term_aliases = [list(aliases) for _, aliases in TERMS]
        self.slots: dict[str, Callable[[], str]] = self._slot_functions()

    def set_entities(self, auth: Authorities) -> None:
        self.people = person_surfaces(auth.people)
        self.orgs = org_surfaces(auth.organisations)
        self.people_table = zipf_table(range(len(auth.people)), 0.9)
        self.orgs_table = zipf_table(range(len(auth.organisations)), 0.9)
        self.work_titles = [w.title for w in auth.works]

    # -- building blocks -------------------------------------------------

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def np(self) -> str:
        return self.pick(self.nouns)

    def verb_and_object(self, subject: str) -> tuple[str, str]:
        sg, pl, prep = self.pick(VERBS)
        obj = self.np()
        if prep == "de":
            obj = de_np(obj)
        elif prep == "à":
            obj = a_np(obj)
        verb = pl if is_plural(subject) else sg
        return verb, obj

    def _spell(self, surfaces: Surfaces, index: int) -> str:
        variants = surfaces.variants[index]
        if variants and self.surface_rng.random() < 0.4:
            return self.surface_rng.choice(variants)
        return surfaces.canonical[index]

    def person(self) -> str:
        return self._spell(self.people, self.pick(self.people_table))

    def org(self) -> str:
        return self._spell(self.orgs, self.pick(self.orgs_table))

    def term(self) -> str:
        index = int(self.random() * len(self.term_labels))
        aliases = self.term_aliases[index]
        if aliases and self.random() < 0.3:
            return self.pick(aliases)
        return self.term_labels[index]

    def de_org(self) -> str:
        name = self.org()
        return de_np(name) if name.startswith(("la ", "les ", "le ")) else de(name)

    def _slot_functions(self) -> dict[str, Callable[[], str]]:
        pick, r = self.pick, self.rng
        return {
            "de_np": lambda: de_np(self.np()),
            "de_np2": lambda: de_np(self.np()),
            "person": self.person,
            "person2": self.person,
            "de_person": lambda: de(self.person()),
            "org": self.org,
            "de_org": self.de_org,
            "de_org2": self.de_org,
            "term": self.term,
            "de_term": lambda: de(self.term()),
            "city": lambda: pick(CITIES),
            "year": lambda: str(r.randint(1970, 2023)),
            "n": lambda: str(r.randint(2, 30)),
            "adv": lambda: pick(ADVERBIALS),
            "adv_or_plain": lambda: pick(ADVERBIALS).strip() or "avec acuité",
            "conn": lambda: pick(CONNECTORS),
            "title": lambda: pick(self.work_titles),
            "url": lambda: f"https://example.org/{slug(self.np(), 3)}",
        }

    # -- sentences, paragraphs, texts -------------------------------------

    def sentence(self) -> str:
        """Fill a frame; a verb agrees with the noun phrase just before it."""
        out: list[str] = []
        subject = ""
        pending_object = ""
        for literal, slot in self.pick(self.frames):
            out.append(literal)
            if not slot:
                continue
            if slot in _NP_SLOTS:
                subject = self.np()
                out.append(cap(subject) if slot == "NP" else subject)
            elif slot in _VERB_SLOTS:
                verb, pending_object = self.verb_and_object("" if slot == "v_sg" else subject)
                out.append(verb)
            elif slot in ("obj", "obj2"):
                out.append(pending_object)
            else:
                text = self.slots[slot]()
                out.append(cap(text) if len(out) == 1 and not literal else text)
        return "".join(out)

    def paragraph(self, sentences: int) -> str:
        # A count, not a length target: lengths depend on spellings, which
        # must not change how many random draws the structure takes.
        return " ".join([self.sentence() for _ in range(sentences)])

    def infinitive(self) -> str:
        return self.rng.choice(DEF_OPENINGS)

    def definition_text(self) -> str:
        frame = self.rng.choice(DEF_FRAMES)
        return frame.format(inf=self.infinitive(), np=self.np(), np2=self.np(), np3=self.np(), np4=self.np())

    def quote_text(self) -> str:
        frame = self.rng.choice(QUOTE_FRAMES)
        if frame == "{n1} de {n2}":
            return self.rng.choice(QUOTE_NOUNS)
        subject = self.np()
        verb, _ = self.verb_and_object(subject)
        return frame.format(
            NP=cap(subject),
            np=self.np(),
            np2=self.np(),
            np3=self.np(),
            v=verb,
            inf=self.infinitive(),
            inf2=self.infinitive(),
        )

    def title_from(self, frames: Sequence[str], **extra: str) -> str:
        subject = self.np()
        verb, _ = self.verb_and_object(subject)
        text = self.rng.choice(frames).format(
            NP=cap(subject), np=subject, np2=self.np(), np3=self.np(), v=verb, de_np=de_np(self.np()), **extra
        )
        return cap(text)

    def work_title(self) -> str:
        return self.title_from(TITLE_FRAMES_FR)

    def post_title(self) -> str:
        t1, t2 = self.term(), self.term()
        return self.title_from(
            POST_TITLE_FRAMES,
            term=t1,
            Term=cap(t1),
            term2=t2,
            de_term=de(t1),
            person=self.people.canonical[self.pick(self.people_table)],
        )


# --------------------------------------------------------------------------
# Posts
# --------------------------------------------------------------------------

DATE_START = dt.date(2010, 1, 1)
DATE_SPAN_DAYS = (dt.date(2024, 12, 31) - DATE_START).days
PARAGRAPH_COUNTS = tuple(range(5, 14))
PARAGRAPH_WEIGHTS = (4, 8, 12, 16, 20, 16, 12, 8, 4)  # mean 9
SENTENCES_MIN, SENTENCES_MAX = 8, 14  # a paragraph; with ~9 paragraphs, ~7.7 KB a post


@dataclass
class Post:
    filename: str
    front_matter: dict[str, Any]
    paragraphs: list[str]


class PostMaker:
    def __init__(self, rng: random.Random, prose: Prose, auth: Authorities) -> None:
        self.rng = rng
        self.prose = prose
        self.auth = auth
        self.works_by_year = sorted(auth.works, key=lambda w: (w.year, w.id))
        self.work_years = [w.year for w in self.works_by_year]
        self.term_labels = {t.id: t.label for t in auth.terms}

    def post(self, index: int, width: int) -> Post:
        r = self.rng
        date = DATE_START + dt.timedelta(days=r.randrange(DATE_SPAN_DAYS + 1))
        title = self.prose.post_title()
        authors = [p.name for p in r.sample(self.auth.people, r.choices((0, 1, 2), (10, 65, 25))[0])]
        references = self.references(date.year)
        definitions = [self.definition(date.year, references) for _ in range(r.randint(0, 2))]
        quotes = [self.quote() for _ in range(r.randint(0, 2))]
        fm: dict[str, Any] = {
            "title": title,
            "date": date,
            "authors": authors,
            "site": r.choice(SITES),
            "language": "fr",
            "tags": sorted(r.sample(TAGS, r.randint(2, 4)), key=TAGS.index),
        }
        for key, value in (("references", references), ("definitions", definitions), ("quotes", quotes)):
            if value:
                fm[key] = value
        filename = f"{date.isoformat()}-{ascii_slug(title)}-{index:0{width}d}.md"
        return Post(filename, fm, self.paragraphs(definitions, quotes))

    def references(self, year: int) -> list[str]:
        """0-3 distinct works published no later than the post."""
        available = bisect.bisect_right(self.work_years, year)
        count = min(available, self.rng.choices((0, 1, 2, 3), (25, 35, 25, 15))[0])
        return [self.works_by_year[i].id for i in self.rng.sample(range(available), count)]

    def name_as_written(self, entity: Person | Organisation) -> str:
        """Mostly the canonical name; sometimes an alias or the name without accents."""
        roll = self.prose.surface_rng.random()
        if roll < 0.05 and strip_accents(entity.name) != entity.name:
            return strip_accents(entity.name)
        if roll < 0.15 and entity.aliases:
            return self.prose.surface_rng.choice(entity.aliases)
        return entity.name

    def definition(self, year: int, references: list[str]) -> dict[str, Any]:
        r = self.rng
        term = r.choice(self.auth.terms)
        givers: Sequence[Person | Organisation]
        if r.random() < 0.1:
            givers = [r.choice(self.auth.organisations)]
        else:
            givers = r.sample(self.auth.people, r.choice((1, 1, 2)))
        d: dict[str, Any] = {
            "term": term.id,
            "text": self.prose.definition_text(),
            "by": [self.name_as_written(g) for g in givers],
        }
        if r.random() < 0.5:
            work = r.choice(references) if references else next(iter(self.references(year)), None)
            if work:
                d["work"] = work
        if r.random() < 0.3:
            d["via"] = self.name_as_written(r.choice(self.auth.people))
        return d

    def quote(self) -> dict[str, Any]:
        r = self.rng
        q: dict[str, Any] = {"text": self.prose.quote_text(), "by": self.name_as_written(r.choice(self.auth.people))}
        if r.random() < 0.3:
            q["via"] = self.name_as_written(r.choice(self.auth.people))
        return q

    def paragraphs(self, definitions: list[dict[str, Any]], quotes: list[dict[str, Any]]) -> list[str]:
        """About nine paragraphs; each definition or quote lands verbatim in one of them."""
        r = self.rng
        count = r.choices(PARAGRAPH_COUNTS, PARAGRAPH_WEIGHTS)[0]
        paragraphs = [self.prose.paragraph(r.randint(SENTENCES_MIN, SENTENCES_MAX)) for _ in range(count)]
        citing = [self.definition_sentence(d) for d in definitions]
        citing += [self.quote_sentence(q) for q in quotes]
        for n, sentence in zip(r.sample(range(count), len(citing)), citing):
            after = self.prose.paragraph(r.randint(1, 2))
            if r.random() < 0.5:
                paragraphs[n] = f"{self.prose.paragraph(r.randint(1, 2))} {sentence} {after}"
            else:
                paragraphs[n] = f"{sentence} {after}"
        return paragraphs

    def definition_sentence(self, d: dict[str, Any]) -> str:
        several = len(d["by"]) > 1
        givers = " et ".join(d["by"])
        notion = f"la notion {de(self.term_labels[d['term']])}"
        via = f", cité{'s' if several else ''} par {d['via']}" if "via" in d else ""
        text = d["text"]
        frame = self.rng.randrange(4)
        if frame == 0:
            return f"{cap(givers)} défini{'ssent' if several else 't'} {notion} comme « {text} »{via}."
        if frame == 1:
            return f"Nous garderons comme définition celle donnée par {givers}{via} : « {text} »."
        if frame == 2:
            return f"Selon {givers}{via}, {notion} désigne « {text} »."
        return f"{cap(givers)} en donne{'nt' if several else ''} la définition suivante : « {text} »{via}."

    def quote_sentence(self, q: dict[str, Any]) -> str:
        via = f" (cité par {q['via']})" if "via" in q else ""
        if self.rng.random() < 0.5:
            return f"« {q['text']} », écrit {q['by']}{via}."
        return f"{cap(q['by'])}{via} parle de « {q['text']} » à propos {de_np(self.prose.np())}."


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


class CorpusDumper(Dumper):  # type: ignore[misc, valid-type]
    """Block mappings, and lists of plain values in flow style: `tags: [a, b]`."""


def _represent_list(dumper: Any, data: list[Any]) -> Any:
    flat = all(not isinstance(item, (dict, list)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


def _represent_dict(dumper: Any, data: dict[str, Any]) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)


CorpusDumper.add_representer(list, _represent_list)
CorpusDumper.add_representer(dict, _represent_dict)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=CorpusDumper, allow_unicode=True, sort_keys=False, width=10_000)


def render_post(post: Post) -> str:
    return f"---\n{dump_yaml(post.front_matter)}---\n" + "\n\n".join(post.paragraphs) + "\n"


def authority_documents(auth: Authorities) -> dict[str, list[dict[str, Any]]]:
    def drop_empty(entry: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in entry.items() if v not in (None, [], "")}

    return {
        "people.yaml": [
            drop_empty({"id": p.id, "name": p.name, "aliases": p.aliases, "organisations": p.organisations})
            for p in auth.people
        ],
        "organisations.yaml": [
            drop_empty({"id": o.id, "name": o.name, "aliases": o.aliases, "kind": o.kind, "url": o.url})
            for o in auth.organisations
        ],
        "works.yaml": [
            drop_empty(
                {
                    "id": w.id,
                    "type": w.type,
                    "title": w.title,
                    "authors": w.authors,
                    "year": w.year,
                    "publisher": w.publisher,
                    "language": w.language,
                    "url": w.url,
                }
            )
            for w in auth.works
        ],
        "terms.yaml": [drop_empty({"id": t.id, "label": t.label, "aliases": t.aliases}) for t in auth.terms],
    }


def prepare_outdir(outdir: Path, overwrite: bool) -> Path:
    posts_dir = outdir / "corpus" / "posts"
    posts_dir.mkdir(parents=True, exist_ok=True)
    existing = sorted(posts_dir.glob("*.md"))
    if existing and not overwrite:
        raise GenerateError(
            f"{posts_dir} already holds {len(existing)} posts; "
            "choose an empty OUTDIR or pass --overwrite to replace them"
        )
    for path in existing:
        path.unlink()
    return posts_dir


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


@dataclass
class Scale:
    posts: int
    people: int
    organisations: int
    works: int
    aliases: int

    @classmethod
    def for_posts(cls, n: int, aliases: int = 300) -> Scale:
        return cls(n, 300 + n // 20, min(200, 100 + n // 100), max(1000, n // 3), aliases)


def build_authorities(seed: int, scale: Scale, prose: Prose, names: FoldedNames) -> Authorities:
    orgs = make_organisations(random.Random(f"{seed}:organisations"), scale.organisations, names)
    people = make_people(random.Random(f"{seed}:people"), scale.people, orgs, names)
    terms = make_terms()
    works = make_works(random.Random(f"{seed}:works"), scale.works, people, orgs, names, prose)
    auth = Authorities(people, orgs, works, terms)
    assign_aliases(seed, auth, scale.aliases, names)
    return auth


def generate(n: int, outdir: Path, seed: int = 1, aliases: int = 300, overwrite: bool = False) -> dict[str, int]:
    """Write the corpus; return counts (posts, bytes, people, ...)."""
    scale = Scale.for_posts(n, aliases)
    names = FoldedNames(prose_words())
    work_prose = Prose(random.Random(f"{seed}:work-titles"), random.Random(f"{seed}:unused"))
    auth = build_authorities(seed, scale, work_prose, names)
    posts_dir = prepare_outdir(outdir, overwrite)
    total = 0
    for filename, entries in authority_documents(auth).items():
        data = dump_yaml(entries).encode("utf-8")
        (outdir / "corpus" / filename).write_bytes(data)
        total += len(data)
    prose = Prose(random.Random(f"{seed}:posts"), random.Random(f"{seed}:spellings"))
    prose.set_entities(auth)
    maker = PostMaker(prose.rng, prose, auth)
    width = max(5, len(str(n - 1)))
    post_bytes = 0
    for index in range(n):
        post = maker.post(index, width)
        data = render_post(post).encode("utf-8")
        (posts_dir / post.filename).write_bytes(data)
        post_bytes += len(data)
    return {
        "posts": n,
        "post_bytes": post_bytes,
        "authority_bytes": total,
        "people": len(auth.people),
        "organisations": len(auth.organisations),
        "works": len(auth.works),
        "terms": len(auth.terms),
        "aliases": sum(len(e.aliases) for e in [*auth.people, *auth.organisations]),
    }


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Generate a synthetic hubkb corpus.")
    parser.add_argument("n", type=int, metavar="N", help="number of posts")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="writes OUTDIR/corpus/...")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--aliases",
        type=int,
        default=300,
        metavar="K",
        help="total aliases over people and organisations (default 300)",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the *.md files already in OUTDIR/corpus/posts"
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.aliases < 0:
        parser.error("N must be at least 1 and K at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    try:
        counts = generate(args.n, args.outdir, args.seed, args.aliases, args.overwrite)
    except GenerateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    size_mb = (counts["post_bytes"] + counts["authority_bytes"]) / 1e6
    print(
        f"{counts['posts']} posts, {size_mb:.1f} MB "
        f"({counts['post_bytes'] / counts['posts'] / 1000:.2f} KB a post), "
        f"{counts['people']} people, {counts['organisations']} organisations, "
        f"{counts['works']} works, {counts['terms']} terms, {counts['aliases']} aliases "
        f"in {seconds:.1f} s -> {args.outdir / 'corpus'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
