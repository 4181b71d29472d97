"""A generated corpus of definitions with planted reuse, for the reuse detector's tests.

Deterministic (a seed). Each "family" is one original definition of a term (or
quote of a speaker) and its planted reuses: copies (the same words, with case, accents, quote marks or
spacing changed, sometimes one word dropped) and paraphrases (a quarter of the
words replaced by synonyms, two clauses swapped, a word added). Every term also
gets unrelated definitions written from the same vocabulary, the hard case: they
share most of their words with the family. Digit traps copy a text but change
a number ("la 27e Région" / "la 17e Région"): not reuse. All prose is ours.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from hubkb.lineage.reuse import ReuseText

SUBJECTS = [
    "les usagers",
    "les agents publics",
    "les habitants du quartier",
    "les professionnels du soin",
    "les associations locales",
    "les entreprises du territoire",
    "les chercheurs",
    "les élus",
    "les designers de services",
    "les familles",
]
VERBS = [
    "conçoivent",
    "produisent",
    "améliorent",
    "évaluent",
    "financent",
    "partagent",
    "gouvernent",
    "transforment",
    "testent",
    "délivrent",
]
OBJECTS = [
    "un service public",
    "une politique locale",
    "un bien commun",
    "une ressource partagée",
    "un équipement de quartier",
    "une plateforme numérique",
    "un budget participatif",
    "une innovation sociale",
    "un programme de santé",
    "une offre de transport",
]
MANNERS = [
    "dans une relation réciproque et égale",
    "sur un mode horizontal",
    "au sein d’un collectif ouvert",
    "par des règles qu’ils se donnent",
    "avec des moyens mis en commun",
    "selon une méthode itérative",
    "dans la durée et la confiance",
    "sans hiérarchie préalable",
    "à l’échelle de la 27e Région",
    "depuis les années 2000",
]
PURPOSES = [
    "afin de répondre à des besoins réels",
    "pour en améliorer la qualité",
    "pour que chacun en devienne responsable",
    "afin d’en partager les bénéfices",
    "pour réduire les coûts sans perdre en qualité",
    "pour rendre le pouvoir d’agir aux citoyens",
    "afin de tester avant de généraliser",
    "pour mieux relier le local et le national",
]
SYNONYMS = {
    "usagers": "utilisateurs",
    "habitants": "résidents",
    "professionnels": "praticiens",
    "conçoivent": "imaginent",
    "produisent": "fabriquent",
    "améliorent": "perfectionnent",
    "évaluent": "mesurent",
    "financent": "soutiennent",
    "partagent": "mutualisent",
    "gouvernent": "administrent",
    "transforment": "modifient",
    "testent": "expérimentent",
    "délivrent": "fournissent",
    "service": "prestation",
    "politique": "action",
    "ressource": "richesse",
    "équipement": "lieu",
    "plateforme": "application",
    "relation": "coopération",
    "réciproque": "mutuelle",
    "horizontal": "égalitaire",
    "collectif": "groupe",
    "règles": "normes",
    "moyens": "ressources",
    "méthode": "démarche",
    "durée": "continuité",
    "besoins": "attentes",
    "qualité": "valeur",
    "responsable": "acteur",
    "bénéfices": "gains",
    "coûts": "dépenses",
    "citoyens": "habitants",
    "réels": "concrets",
}
FILLERS = ["ensemble", "vraiment", "concrètement", "aussi", "désormais"]


@dataclass(frozen=True)
class Planted:
    texts: list[ReuseText]
    copies: set[frozenset[str]]  # pairs that are copies of each other
    paraphrases: set[frozenset[str]]  # pairs in one family with a paraphrase among them
    traps: set[frozenset[str]]  # a copy with another number: must not be linked

    @property
    def truth(self) -> set[frozenset[str]]:
        return self.copies | self.paraphrases


Slots = tuple[str, str, str, str, str]


def _slots(rng: random.Random, taken: list[Slots]) -> Slots:
    """Five slot choices sharing at most two with any sentence already written for the term.

    Without this guard two unrelated draws may differ by a single clause, which a
    reader would call the same definition: the planted truth would be wrong.
    """
    while True:
        slots = (
            rng.choice(SUBJECTS),
            rng.choice(VERBS),
            rng.choice(OBJECTS),
            rng.choice(MANNERS),
            rng.choice(PURPOSES),
        )
        if all(sum(x == y for x, y in zip(slots, other, strict=True)) <= 2 for other in taken):
            taken.append(slots)
            return slots


def _sentence(slots: Slots) -> str:
    # Two clauses joined by a comma, so that a paraphrase can swap them.
    subject, verb, obj, manner, purpose = slots
    return f"{subject} {verb} {obj} {manner}, {purpose}"


def _copy(text: str, rng: random.Random) -> str:
    """The same wording as another hand would type it."""
    choice = rng.randrange(5)
    if choice == 0:
        return text.upper()[0] + text[1:] + "."
    if choice == 1:
        return f"« {text} »".replace("’", "'")
    if choice == 2:
        return "  ".join(text.split(" ")).replace("é", "e")
    if choice == 3:  # one small word dropped
        words = text.split(" ")
        drop = next((i for i, w in enumerate(words) if w in ("un", "une", "les", "des", "la", "le")), None)
        return " ".join(w for i, w in enumerate(words) if i != drop)
    return text.replace(",", " ;")


def _paraphrase(text: str, rng: random.Random) -> str:
    """About a quarter of the words changed: synonyms, clauses swapped, a word added."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if w.strip(",") in SYNONYMS]
    for i in rng.sample(candidates, max(1, len(candidates) // 2)):
        bare = words[i].strip(",")
        words[i] = words[i].replace(bare, SYNONYMS[bare])
    result = " ".join(words)
    if rng.random() < 0.5 and ", " in result:
        first, second = result.split(", ", 1)
        result = f"{second}, {first}"
    words = result.split(" ")
    words.insert(rng.randrange(1, len(words)), rng.choice(FILLERS))
    return " ".join(words)


def generate(
    seed: int = 7, terms: int = 8, families: int = 12, unrelated: int = 20, speakers: int = 0, hops: float = 0.0
) -> Planted:
    """`terms` terms and `speakers` quoted people, each with `families` reused texts and `unrelated` others.

    With `hops`, that share of the families was met through a relay publication whose wording the corpus
    has: the family's original is the wording at the relay hop (its source a work, its chain the post's
    passage that quotes it through that relay, the family's first copy); that pair is declared, not reuse.
    """
    rng = random.Random(seed)
    texts: list[ReuseText] = []
    copies: set[frozenset[str]] = set()
    paraphrases: set[frozenset[str]] = set()
    traps: set[frozenset[str]] = set()
    source = 0

    def add(group: str, text: str) -> str:
        nonlocal source
        source += 1
        item = ReuseText(f"{group}/{'q' if group.startswith('speaker') else 'd'}{len(texts) + 1}", text, f"post-{source}", group)  # fmt: skip
        texts.append(item)
        return item.id

    groups = [f"term-{t + 1}" for t in range(terms)] + [f"speaker-{s + 1}" for s in range(speakers)]
    for group in groups:
        taken: list[Slots] = []
        for _ in range(families):
            original = _sentence(_slots(rng, taken))
            family = [("original", add(group, original))]
            family += [("copy", add(group, _copy(original, rng))) for _ in range(rng.randint(1, 2))]
            family += [("paraphrase", add(group, _paraphrase(original, rng))) for _ in range(rng.randint(0, 2))]
            declared = None
            if hops and rng.random() < hops:
                declared = _through_a_relay(texts, family, len(texts))
            for n, (kind_a, a) in enumerate(family):
                for kind_b, b in family[n + 1 :]:
                    pair = frozenset((a, b))
                    if pair != declared:
                        (paraphrases if "paraphrase" in (kind_a, kind_b) else copies).add(pair)
            if "27e" in original or "2000" in original:
                trap = add(group, original.replace("27e", "17e").replace("2000", "1990"))
                traps.add(frozenset((family[0][1], trap)))
        for _ in range(unrelated):
            add(group, _sentence(_slots(rng, taken)))
    return Planted(texts, copies, paraphrases, traps)


def _through_a_relay(texts: list[ReuseText], family: list[tuple[str, str]], end: int) -> frozenset[str]:
    """The family's original becomes the wording at the first relay hop of its first copy's chain."""
    index = {t.id: i for i, t in enumerate(texts[end - len(family) : end], end - len(family))}
    original, quoting = index[family[0][1]], index[family[1][1]]
    passage = texts[quoting].id
    texts[quoting] = replace(texts[quoting], chain=passage)
    hop = f"{passage}~h1"
    texts[original] = replace(texts[original], id=hop, source=f"work:relay-{original}", chain=passage)
    family[0] = (family[0][0], hop)
    return frozenset((hop, passage))
