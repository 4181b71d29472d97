"""The importer is linear (#12.7): a page four times as long costs about four times the CPU time.

The pages are the bench's (bench/importer.py `make_page`: a blog scrape whose body
repeats varied paragraphs with names, quotations, definitions and work titles).
Times are CPU seconds of this process (`time.process_time`), the least of two
runs, with the NER model loaded beforehand: on a machine shared with other work,
wall time would count the waits for a core. A step that rescans the page for
every paragraph or mention makes the ratio near 16; linear work keeps it near 4
(below, as the model's reading is bounded by the distinct names, not the size).
The 5 MB figures themselves (< 20 s, < 300 MB) are bench/importer.py's.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from conftest import CORPUS, ROOT
from hubkb.importer import import_files

sys.path.insert(0, str(ROOT / "bench"))
from importer import make_page  # bench/importer.py, on the path just above

LINEAR_ENOUGH = 6.0  # CPU ratio for 4x the text: linear is 4 at most, a quadratic step 16


def cpu_seconds(page: Path, out: Path) -> float:
    """The least CPU time of two imports of `page` (drafts written to `out`)."""
    times = []
    for _ in range(2):
        start = time.process_time()
        result = import_files([page], CORPUS, out, as_json=True, force=True)
        times.append(time.process_time() - start)
        assert result.exit_code == 0, result.messages
    return min(times)


def test_a_page_four_times_as_long_costs_about_four_times_the_cpu(tmp_path: Path) -> None:
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_text(make_page(0.125), encoding="utf-8")
    large.write_text(make_page(0.5), encoding="utf-8")
    assert 3.9 < large.stat().st_size / small.stat().st_size < 4.1
    import_files([small], CORPUS, tmp_path / "warm", as_json=True, force=True)  # the model's load, not timed
    small_cpu = cpu_seconds(small, tmp_path / "out")
    large_cpu = cpu_seconds(large, tmp_path / "out")
    assert large_cpu / small_cpu < LINEAR_ENOUGH, f"{small_cpu:.2f} s then {large_cpu:.2f} s CPU for 4x the text"


# Loads the model in a fresh process: the modules it imports, and what the model finds in one sentence
LOAD_ALONE = """
import sys
from hubkb.importer import nlp
model = nlp.load(nlp.model_name())
doc = model("Selon Kofi Asante-Ribeiro, chercheuse à l’Observatoire de Lyon, le tiers-lieu d’aujourd’hui est ouvert.")
print(sorted(m for m in sys.modules if m.startswith("spacy.lang.fr")))
print([(e.text, e.label_) for e in doc.ents])
print("|".join(t.text for t in doc))
"""


def test_the_model_loads_without_spacys_french_module() -> None:
    """spacy.lang.fr compiles a 1.45 MB token pattern when imported (3 s CPU, most of a small page's import): the
    model's tokenizer comes from its own files (tests/test_import_rules.py checks its token pattern is the model's),
    with the language-neutral class; the entities and tokens are the French model's."""
    out = subprocess.run([sys.executable, "-c", LOAD_ALONE], capture_output=True, text=True, check=True).stdout
    modules, entities, tokens = out.splitlines()
    assert modules == "[]"
    # what spaCy's French class gives too (the import bench compares whole drafts and JSON with it)
    assert entities == "[('Kofi Asante-Ribeiro', 'PER'), ('Observatoire', 'LOC'), ('Lyon', 'LOC')]"
    assert (
        tokens
        == "Selon|Kofi|Asante|-|Ribeiro|,|chercheuse|à|l’|Observatoire|de|Lyon|,|le|tiers-lieu|d’|aujourd’hui|est|ouvert|."
    )
