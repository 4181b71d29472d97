"""Second-hand citations: a passage met through a relay, cited as APA says for secondary sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import HubkbError
from ..text import fold
from .csl import LANGS, Lang, date_parts, post_to_csl, render, year_of
from .names import Person, family_with_particle, name_and_kind, split_person_name

# Heads that mark a name given as plain text as an organisation, when nothing
# says what kind it is ("La 27e Région", "The Young Foundation").
_ORG_HEADS = {"la", "le", "les", "l", "the"}

# "s.\u00a0d." as the fr-FR CSL locale spells it, so text and reference list agree.
_LABELS = {
    "fr": {
        "cited_by": "cité par",
        "in": "in",
        "no_date": "s.\u00a0d.",
        "in_text": "Dans le texte",
        "reference": "Bibliographie",
        "chain": "Chaîne",
        "original": "original",
        "relay": "relais",
        "read": "lu dans",
        "open": "« ",
        "close": " »",
        "colon": " :",
    },
    "en": {
        "cited_by": "cited by",
        "in": "in",
        "no_date": "n.d.",
        "in_text": "In text",
        "reference": "Reference list",
        "chain": "Chain",
        "original": "original",
        "relay": "relay",
        "read": "read in",
        "open": "“",
        "close": "”",
        "colon": ":",
    },
}


def secondhand(passage: Mapping[str, Any], lang: Lang = "fr") -> dict[str, Any]:
    """How to cite a passage met second-hand, following APA on secondary sources.

    The reference list names only the source actually read (the post); the
    text names the original givers and the relays (`in_text`):
    "Boyle & Harris (2009), cité par Pandelle (2010), in Chatellier (2014)".
    ``by`` and ``via`` take names (str) or ``{"name", "kind"}`` dicts; ``relays``
    (optional, from the chain: `hubkb.lineage.trace.citable_relays`) the relay
    hops as ``{"name", "cited_as", "year", "reference"}``, in order, else ``via``
    is the one relay. When
    the givers are authors of the work, the text names them in the order of
    the work's reference entry, as APA requires, whatever order the post gave.
    """
    work = passage.get("work")
    post = passage["post"]
    givers = _as_list(passage.get("by")) or (list(work.get("authors") or []) if work else [])
    via = passage.get("via")
    relays = list(passage.get("relays") or [])
    if not relays and via:  # a relay known by its person only
        relays = [{"name": name_and_kind(via)[0], "cited_as": giver_short(via, None)}]
    original = render(work, "apa", lang) if work is not None else None
    read_source = render(post_to_csl(post), "apa", lang)
    paragraph = passage.get("paragraph")
    chain: list[dict[str, Any]] = [
        {
            "role": "original",
            "by": [name_and_kind(g)[0] for g in givers],
            "work_id": work.get("id") if work is not None else None,
            "reference": original,
        }
    ]
    for relay in relays:  # a relay's publication, when the corpus knows it, with its reference
        chain.append({"role": "relay", "name": relay["name"], **({"reference": relay["reference"]} if relay.get("reference") else {})})  # fmt: skip
    chain.append(
        {
            "role": "read",
            "post_id": post["id"],
            "paragraph": paragraph,
            "anchor": f"{post['id']}#p{paragraph}" if paragraph is not None else None,
            "reference": read_source,
        }
    )
    return {
        "kind": passage.get("kind"),
        "term": passage.get("term"),
        "lang": lang,
        "passage": passage.get("text"),
        "in_text": in_text(in_reference_order(givers, work), work, relays, post, lang),
        "original": original,
        "read_source": read_source,
        "bibliography": [read_source],
        "chain": chain,
    }


def in_text(
    givers: list[Person],
    work: Mapping[str, Any] | None,
    relays: list[Mapping[str, Any]],
    post: Mapping[str, Any],
    lang: str = "fr",
) -> str:
    """What to write in the text, every relay named in order, with the year of its publication when known:
    "Boyle & Harris (2009), cité par Pandelle (2010), in Chatellier (2014)".

    The one form of a second-hand citation: `hubkb cite --definition`, `hubkb trace`, the post's
    passages, the work's citation page and the lineage page all write it with this function.
    ``relays`` are ``{"cited_as", "year"}`` dicts (the year None for a relay known by its person only).
    """
    labels = labels_for(lang)
    parts = [join_short([giver_short(g, work) for g in givers])]
    if work is not None:
        year = year_of(work.get("year"))
        parts[0] += f" ({year if year is not None else labels['no_date']})"
    for relay in relays:
        year = relay.get("year")
        parts.append(f"{labels['cited_by']} {relay['cited_as']}" + (f" ({year})" if year else ""))
    parts.append(f"{labels['in']} {_post_short(post, labels)}")
    return ", ".join(p.strip() for p in parts if p.strip())


def format_secondhand(result: Mapping[str, Any]) -> str:
    """A `secondhand` result for the terminal: the passage, what to write, the chain."""
    labels = labels_for(result.get("lang") or "fr")
    colon = labels["colon"]
    head = f"{labels['open']}{result['passage']}{labels['close']}"
    if result.get("term"):
        head += f" ({result['term']})"
    lines = [head, f"{labels['in_text']}{colon} {result['in_text']}", f"{labels['reference']}{colon}"]
    lines += [f"  {reference}" for reference in result["bibliography"]]
    lines.append(f"{labels['chain']}{colon}")
    for n, link in enumerate(result["chain"], start=1):
        lines.append(f"  {n}. {labels[link['role']]}{colon} {_chain_detail(link)}")
    return "\n".join(lines)


def _chain_detail(link: Mapping[str, Any]) -> str:
    if link["role"] == "relay":
        return link.get("reference") or link["name"]
    if link["role"] == "original":
        return link["reference"] or " & ".join(link["by"])
    return link["anchor"] or link["post_id"]


def in_reference_order(givers: list[Person], work: Mapping[str, Any] | None) -> list[Person]:
    """The givers that author the work first, in the work's author order; the others after, as given.

    >>> work = {"authors": ["David Boyle", "Michael Harris"]}
    >>> in_reference_order(["Michael Harris", "David Boyle"], work)
    ['David Boyle', 'Michael Harris']
    """
    if not work or not givers:
        return list(givers)
    rank = {fold(name_and_kind(a)[0]): i for i, a in enumerate(work.get("authors") or [])}
    late = len(rank)
    order = sorted(range(len(givers)), key=lambda i: (rank.get(fold(name_and_kind(givers[i])[0]), late), i))
    return [givers[i] for i in order]


def labels_for(lang: str) -> dict[str, str]:
    if lang not in _LABELS:
        raise HubkbError(f"unknown language {lang!r} (languages: {', '.join(LANGS)})")
    return _LABELS[lang]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def giver_short(giver: Person, work: Mapping[str, Any] | None) -> str:
    """What APA puts in the text: a person's family name, an organisation's whole name.

    A giver named as plain text takes its kind from the work's authors when it
    is one of them, else from `_looks_like_organisation`.
    """
    name, kind = name_and_kind(giver)
    if isinstance(giver, str):
        kind = _kinds_from_work(work).get(fold(name)) or (
            "organisation" if _looks_like_organisation(name) else "person"
        )
    if kind == "organisation":
        return name
    return family_with_particle(split_person_name(name))


def _kinds_from_work(work: Mapping[str, Any] | None) -> dict[str, str]:
    if work is None:
        return {}
    return {fold(n): k for n, k in (name_and_kind(a) for a in work.get("authors") or [])}


def _looks_like_organisation(name: str) -> bool:
    # Only a guess, for names given as plain text: a digit or a leading article.
    first = fold(name.split(" ", 1)[0]) if name.strip() else ""
    return any(c.isdigit() for c in name) or first in _ORG_HEADS or name.startswith(("L’", "L'"))


def join_short(names: list[str]) -> str:
    """APA in-text names: "A", "A & B", "A et al." from three on."""
    if len(names) <= 2:
        return " & ".join(names)
    return f"{names[0]} et al."


def _post_short(post: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    authors = [giver_short(a, None) for a in post.get("authors") or []]
    who = join_short(authors) if authors else (post.get("site") or post["title"])
    parts = date_parts(post.get("date"))
    return f"{who} ({parts[0] if parts else labels['no_date']})"
