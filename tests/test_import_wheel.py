"""The wheel, installed in a fresh virtual environment, runs a new user's first session (issue #11).

`hubkb init kb && cd kb && hubkb import page.txt`, review, accept, `hubkb check`: with the
`hubkb` command and the package of the installed wheel, never the source tree. The test has no
network: the wheel is built offline (setuptools of the test extra, no build isolation) and
installed by this environment's pip into a venv made without pip, with `--no-index --no-deps`; its dependencies, those of `hubkb[import]`, are the ones
this test environment already holds, made visible to the fresh environment by one `.pth` line,
and the test checks every one the wheel declares is there at the version it asks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import FIXTURES, ROOT, publish_drafts

PAGE = FIXTURES / "import" / "magazine-numero.txt"
DRAFT = "corpus/posts/2021-07-01-les-agents-premiers-designers-du-service-public"
# the source tree's parts that the wheel is built from (setup.py copies corpus/, schema.yaml and metadata.json in)
SOURCES = ["pyproject.toml", "setup.py", "README.md", "schema.yaml", "metadata.json", "corpus", "src"]

# Run by the fresh environment's Python: where hubkb comes from, and whether every requirement of
# `hubkb[import]` is installed at a version it accepts.
PROBE = """
import json, importlib.metadata as md, hubkb
from packaging.requirements import Requirement
missing = []
for text in md.requires("hubkb") or []:
    req = Requirement(text)
    if req.marker and not req.marker.evaluate({"extra": "import"}):
        continue
    try:
        version = md.version(req.name)
    except md.PackageNotFoundError:
        missing.append(f"{req.name}: not installed")
        continue
    if not req.specifier.contains(version, prereleases=True):
        missing.append(f"{req.name} {version} does not satisfy {req.specifier}")
print(json.dumps({"hubkb": hubkb.__file__, "missing": missing}))
"""


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "data")  # src/hubkb/data is a build output
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist), "."],
        source,
        dict(os.environ),
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheels = list(dist.glob("hubkb-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_the_wheel_in_a_fresh_venv_inits_imports_and_checks(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "hubkb/py.typed",
        "hubkb/data/schema.yaml",
        "hubkb/data/metadata.json",
        "hubkb/importer/lexicon.py",
        "hubkb/plugin/templates/base.html",
        "hubkb/queries/search_passages.sql",
    } <= names
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]

    venv = tmp_path / "fresh"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, dict(os.environ))
    assert made.returncode == 0, made.stderr
    python, hubkb = venv / "bin" / "python", venv / "bin" / "hubkb"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, {})
    deps = [p for p in sys.path if p.endswith("site-packages")]  # this environment's installed libraries
    (Path(site.stdout.strip()) / "hubkb-test-deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # this environment's pip installs into the fresh one (`--python`): no ensurepip needed there
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--no-deps", str(wheel)]
    installed = _run(install, tmp_path, env)
    assert installed.returncode == 0, installed.stderr[-2000:]
    assert hubkb.exists()

    probe = _run([str(python), "-c", PROBE], tmp_path, env)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert Path(found["hubkb"]).is_relative_to(venv), found["hubkb"]  # the wheel's package, not the source tree
    assert found["missing"] == []

    init = _run([str(hubkb), "init", "kb"], tmp_path, env)
    assert (init.returncode, init.stdout.splitlines()[0]) == (0, "created kb/corpus: posts/ and 4 authority files")
    kb = tmp_path / "kb"
    shutil.copy(PAGE, kb / "page.txt")
    imported = _run([str(hubkb), "import", "page.txt"], kb, env)
    assert (imported.returncode, imported.stderr) == (0, "")
    assert imported.stdout == (
        f"page.txt: wrote {DRAFT}.md (5 paragraphs, 1 definition, 1 quote, 1 reference); "
        f"8 new authority entries proposed in {DRAFT}.proposals.yaml\n"
    )
    # `hubkb init kb && cd kb && hubkb import page.txt && hubkb check` runs through: the draft is checked,
    # its names that the authority files do not hold yet are warnings with their line, and it is not published
    pending = _run([str(hubkb), "check"], kb, env)
    assert pending.returncode == 0, pending.stderr
    assert pending.stdout.startswith("checked: 0 posts and 1 draft (not published), 0 people,")
    assert f"{DRAFT}.md:10: warning: unknown person or organisation 'Claire Durand'" in pending.stderr
    assert f"{DRAFT}.md:7: warning: draft, not published; 6 names not in the authority files yet" in pending.stderr
    built = _run([str(hubkb), "build"], kb, env)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built: 0 posts and 1 draft (not published),")
    accepted = _run([str(hubkb), "import", f"{DRAFT}.proposals.yaml", "--accept"], kb, env)
    assert accepted.returncode == 0, accepted.stderr
    assert "corpus/people.yaml: 4 people added" in accepted.stdout
    assert publish_drafts(kb / "corpus") == [kb / f"{DRAFT}.md"]
    checked = _run([str(hubkb), "check"], kb, env)
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.startswith(
        "checked: 1 posts, 4 people, 2 organisations, 1 works, 1 terms, 1 definitions, 1 quotes,"
    )
    built = _run([str(hubkb), "build"], kb, env)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built: 1 posts, 4 people, 2 organisations, 1 works, 1 terms, 1 definitions,")
    assert not (Path(found["hubkb"]).parent / "data" / "corpus" / "posts" / f"{Path(DRAFT).name}.md").exists()
