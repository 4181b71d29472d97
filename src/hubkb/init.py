"""`hubkb init DIR`: an empty corpus of one's own, which check, build, serve and import accept.

DIR/corpus/posts/ is empty; each authority file holds only comments: what its
entries look like, with an example to copy. Run the other commands from DIR
(they use ./corpus) or give them --corpus DIR/corpus.
"""

from __future__ import annotations

from pathlib import Path

from .errors import HubkbError, display_path
from .read import AUTHORITY_FILES

EXAMPLES = {
    "people": """# People: one entry a person. `name` is the canonical form, `aliases` the other spellings
# posts use, `organisations` ids from organisations.yaml. `hubkb import --accept` appends entries here.
#
# - name: Laura Prandelle
#   aliases: [L. Prandelle]
#   organisations: [la-27e-region]
""",
    "organisations": """# Organisations: one entry an organisation (`id` defaults to a slug of the name).
#
# - id: la-27e-region
#   name: La 27e Région
#   aliases: [27e Région, 27ème Région]
#   kind: association
#   url: https://www.la27eregion.fr
""",
    "works": """# Works that posts reference: reports, books, videos, articles, pages.
#
# - id: boyle-harris-2009
#   type: report
#   title: "The Challenge of Co-production: How equal partnerships between professionals and the public are
#     crucial to improving public services"
#   authors: [David Boyle, Michael Harris]
#   year: 2009
#   publisher: Nesta
""",
    "terms": """# Concepts that posts define (`label`, and the `aliases` posts also write).
#
# - label: coproduction
#   aliases: [co-production]
""",
}


def init_corpus(folder: Path) -> list[Path]:
    """Create FOLDER/corpus with an empty posts/ and commented authority files; returns what was made."""
    corpus = folder / "corpus"
    if corpus.exists() and any(corpus.iterdir()):
        raise HubkbError(f"{display_path(corpus)} already exists and is not empty; nothing was changed")
    try:
        (corpus / "posts").mkdir(parents=True, exist_ok=True)
        made = [corpus / "posts"]
        for kind, filename in AUTHORITY_FILES.items():
            path = corpus / filename
            path.write_text(EXAMPLES[kind], encoding="utf-8")
            made.append(path)
    except OSError as exc:
        raise HubkbError(f"{display_path(corpus)}: cannot create the corpus: {exc.strerror or exc}") from None
    return made
