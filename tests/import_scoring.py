"""The import scorer used to judge the importer (the project's `score_import.py`), as a library.

Per post: the mean of field accuracy (title, date, authors, paragraph count),
definition F1 (term and text), name F1 (people and organisations, signature
excluded; publishers and `optional` entries neither required nor penalised),
reference F1 (title, or URL for bare links) and a chrome check. The fixtures'
truth files (tests/fixtures/import/*.truth.yaml) use the format of the seed's.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz

IMPORT = Path(__file__).resolve().parent / "fixtures" / "import"
TRUTHS = sorted(IMPORT.glob("*.truth.yaml"))
SCORES = IMPORT / "scores.yaml"  # fixture -> the score it must keep (first-pass, floor)


def fold(s: object) -> str:
    s = unicodedata.normalize("NFKD", str(s or "")).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"\b(d|l|qu|j|n|s)['’]", " ", s)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


def clean_text(s: object) -> str:
    s = str(s or "").replace("’", "'").replace("\u00a0", " ")
    s = re.sub(r"^[\s«»“”\"']+|[\s«»“”\"'.]+$", "", s)
    return " ".join(s.split())


def f1(tp: int, n_pred: int, n_true: int) -> float:
    if n_true == 0 and n_pred == 0:
        return 1.0
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_true if n_true else 0.0
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def match_names(pred: list[str], truth: list[tuple[str, list[str]]], optional: list[str]) -> tuple[int, int, int]:
    used: set[int] = set()
    tp = fp = 0
    for name in pred:
        folded = fold(name)
        if not folded:
            continue
        hit = None
        for i, (canon, variants) in enumerate(truth):
            if any(fuzz.ratio(folded, fold(c)) >= 90 for c in [canon, *variants]):
                hit = i
                break
        if hit is not None and hit not in used:
            used.add(hit)
            tp += 1
        elif hit is None and any(fuzz.ratio(folded, fold(o)) >= 90 for o in optional):
            continue
        else:
            fp += 1
    return tp, fp, len(truth) - tp


@dataclass
class Score:
    fields: float
    definitions: float
    names: float
    references: float
    leaks: list[str]

    @property
    def total(self) -> float:
        return (self.fields + self.definitions + self.names + self.references + (0.0 if self.leaks else 1.0)) / 5


def load_truth(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def score(got: dict, t: dict) -> Score:
    fields = [
        clean_text(got.get("title")) == clean_text(t["title"]),
        str(got.get("date")) == str(t["date"]),
        sorted(fold(a) for a in got.get("authors") or []) == sorted(fold(a) for a in t.get("authors") or []),
        len(got.get("paragraphs") or []) == t["paragraphs"],
    ]
    optional = t.get("optional") or {}
    tdefs = t.get("definitions") or []
    optdefs = optional.get("definitions") or []
    pdefs = [
        d
        for d in got.get("definitions") or []
        if not any(fuzz.ratio(clean_text(d.get("text")), clean_text(o["text"])) >= 85 for o in optdefs)
    ]
    used: set[int] = set()
    tp = 0
    for d in pdefs:
        for i, td in enumerate(tdefs):
            if i in used:
                continue
            texts = [td["text"], *(td.get("accept_also") or [])]
            if (
                any(fuzz.ratio(clean_text(d.get("text")), clean_text(x)) >= 85 for x in texts)
                and fuzz.partial_ratio(fold(d.get("term")), fold(td["term"])) >= 80
            ):
                used.add(i)
                tp += 1
                break
    def_f1 = f1(tp, len(pdefs), len(tdefs))
    authors = {fold(a) for a in t.get("authors") or []}
    tpeople = [(p["name"], p.get("variants_seen") or []) for p in t.get("persons") or []]
    torgs = [
        (o["name"], o.get("variants_seen") or [])
        for o in t.get("organisations") or []
        if (o.get("seen_in") or ["body"]) != ["references"]
    ]
    opt = [o["name"] for o in t.get("organisations") or [] if (o.get("seen_in") or ["body"]) == ["references"]]
    for key in ("persons", "organisations"):
        for o in optional.get(key) or []:
            opt.append(o["name"] if isinstance(o, dict) else str(o))
            if isinstance(o, dict):
                opt.extend(o.get("variants_seen") or [])
    ppeople = [p["name"] if isinstance(p, dict) else p for p in got.get("people") or []]
    ppeople = [n for n in ppeople if fold(n) not in authors]
    porgs = [o["name"] if isinstance(o, dict) else o for o in got.get("organisations") or []]
    a = match_names(ppeople, tpeople, opt)
    b = match_names(porgs, torgs, opt)
    ent_f1 = f1(a[0] + b[0], a[0] + a[1] + b[0] + b[1], a[0] + a[2] + b[0] + b[2])
    trefs = t.get("references") or []
    optrefs = [
        x
        for o in optional.get("references") or []
        for x in ((o.get("title"), o.get("url"), o.get("as_written")) if isinstance(o, dict) else (str(o),))
        if x
    ]
    prefs = [
        r
        for r in got.get("references") or []
        if not any(
            fuzz.token_set_ratio(fold(r.get("title") or r.get("url") or r.get("raw")), fold(x)) >= 85 for x in optrefs
        )
    ]
    used, tp = set(), 0
    for r in prefs:
        for i, tr in enumerate(trefs):
            if i in used:
                continue
            titles = [x for x in (tr.get("title"), tr.get("title_corrected"), tr.get("title_full")) if x]
            if titles and r.get("title") and any(fuzz.token_set_ratio(fold(r["title"]), fold(x)) >= 85 for x in titles):
                used.add(i)
                tp += 1
                break
            if not titles and tr.get("url") and r.get("url") and tr["url"].rstrip("/") in str(r["url"]):
                used.add(i)
                tp += 1
                break
    ref_f1 = f1(tp, len(prefs), len(trefs))
    blob = json.dumps(got, ensure_ascii=False)
    leaks = [s for s in t.get("must_not_extract") or [] if s in blob]
    return Score(sum(fields) / len(fields), def_f1, ent_f1, ref_f1, leaks)
