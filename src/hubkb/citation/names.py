"""Authors' names as CSL name parts: family, given, particle; an organisation whole."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..text import NAME_PARTICLES

Person = Mapping[str, Any] | str


def split_person_name(name: str) -> dict[str, str]:
    """A person's name as CSL name parts: ``family``, ``given`` and a particle if any.

    "Ivo Gormley" -> family Gormley, given Ivo; "Charles de Gaulle" -> family
    Gaulle, non-dropping-particle "de" (styles then print "de Gaulle, C." or
    "Gaulle, Charles de" as their rules say). "Family, Given" is honoured. Only
    exact lower-case particles count (`hubkb.text.NAME_PARTICLES`), so "Jean de
    La Fontaine" keeps "La Fontaine" as the family name.
    """
    name = " ".join(name.split())
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        particle, family = _leading_particles(family.split(" "))
        return _name_parts(family, given, particle)
    tokens = name.split(" ")
    if len(tokens) == 1:
        return {"family": name}
    for i in range(1, len(tokens) - 1):
        if tokens[i] in NAME_PARTICLES:
            particle, family = _leading_particles(tokens[i:])
            return _name_parts(family, " ".join(tokens[:i]), particle)
    return _name_parts(tokens[-1], " ".join(tokens[:-1]), "")


def _leading_particles(tokens: list[str]) -> tuple[str, str]:
    i = 0
    while i < len(tokens) - 1 and tokens[i] in NAME_PARTICLES:
        i += 1
    return " ".join(tokens[:i]), " ".join(tokens[i:])


def _name_parts(family: str, given: str, particle: str) -> dict[str, str]:
    parts = {"family": family}
    if given:
        parts["given"] = given
    if particle:
        parts["non-dropping-particle"] = particle
    return parts


def name_and_kind(author: Person) -> tuple[str, str]:
    if isinstance(author, str):
        return author, "person"
    return str(author["name"]), str(author.get("kind") or "person")


def csl_name(author: Person) -> dict[str, str]:
    name, kind = name_and_kind(author)
    if kind == "person":
        return split_person_name(name)
    return {"literal": name}


def family_with_particle(parts: Mapping[str, str]) -> str:
    if "literal" in parts:
        return parts["literal"]
    return " ".join(p for p in (parts.get("non-dropping-particle"), parts["family"]) if p)


def sort_form(parts: Mapping[str, str]) -> str:
    """ "Family, Given" as BibTeX and RIS want it; an organisation stays whole."""
    family = family_with_particle(parts)
    return f"{family}, {parts['given']}" if parts.get("given") else family
