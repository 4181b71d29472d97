"""Property: whatever the bytes, hubkb import answers with a draft or a refusal, never a traceback,
and a draft it writes is a post the reader can parse."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, SCHEMA
from hubkb.importer import import_files
from hubkb.read import read_post
from hubkb.schema import load_schema

# Pieces of the blog's pages, so that random pages exercise every rule, not only the refusals.
PIECES = [
    "\n",
    "\n\n",
    "\u00a0\n",
    " ",
    "«",
    "»",
    "“",
    "”",
    '"',
    "(",
    ")",
    ",",
    ".",
    ":",
    ";",
    "cité par ",
    "citée par ",
    "définit ",
    "comme ",
    "selon ",
    "Selon ",
    "la définition suivante : ",
    "Par ",
    "nous entendons ",
    "nous appellerons ",
    "Il ",
    "Elle ",
    "Ils ",
    "la ",
    "le ",
    "les ",
    "l’",
    "d’",
    "Elinor Ostrom",
    "E. Ostrom",
    "Ostrom E.",
    "Michael Harris",
    "Nesta",
    "27ème Région",
    "Aller plus loin :",
    "- ",
    "Tweets de @Hubservateur",
    "http://t.co/x",
    "3 mars 2015",
    "27/08/2014",
    "1er décembre 2014",
    "Régis Chatellier",
    " et ",
    "(vostf) :",
    "The Challenge",
    "HarrisThe",
    "2009",
    "et al.",
    "ajoute que ",
    "qualifie ",
    " de ",
    "est ",
    "sont ",
    "Observatoire des ",
    "Fondation ",
    "MIT",
    "la Fing a ",
    "son livre ",
    "le rapport ",
    "Us Now",
    "[...]",
    "…",
    "?",
    "<p>",
    "</p>",
    "<html>",
    "x",
    "---",
    "#",
    "é",
]
pages = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(PIECES), max_size=80).map(lambda parts: "".join(parts).encode("utf-8")),
)
SCHEMA_ = load_schema(SCHEMA)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=pages, name=st.sampled_from(["page.txt", "page.html"]))
def test_any_input_gives_a_draft_or_a_refusal(data: bytes, name: str):
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / name
        source.write_bytes(data)
        result = import_files([source], CORPUS, Path(folder) / "out", as_json=True, force=False)
        assert len(result.extractions) == 1
        if result.exit_code == 1:
            assert result.written == [] and result.extractions[0]["error"]
            return
        assert result.exit_code == 0
        for path in result.written:
            if path.suffix == ".md":
                post, problems = read_post(path, SCHEMA_)
                assert post is not None or problems
            else:
                assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)
