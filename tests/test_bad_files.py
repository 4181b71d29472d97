"""Bad files and folders, and silent YAML mistakes: `check` and `build` say the same thing.

Every case runs both commands on a copy of a published corpus and compares
them: the same messages (exact), exit 1, no traceback, the published database
byte-identical and no temporary file left. Cases are named after what they
set up: a post fixture of tests/fixtures/bad/*.md (test_bad_input's cases), an
authority fixture tests/fixtures/bad/<file>_<case>.yaml appended to the
authority file its name starts with, or, for what git cannot hold
(permissions, link loops, non-UTF-8 names, pipes), a function below named
after the case.

Permission cases run the commands in a child process that drops to the
`nobody` user when the tests run as root (root reads any file, so a chmod
alone proves nothing); as another user, the chmod is enough.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS, FIXTURES, ROOT, SEED_POST
from hubkb.cli import cli
from test_bad_input import EXPECTED as POST_CASES

NOBODY = 65534
SUMMARY = re.compile(r"Error: \d+ errors? in \d+ files?; nothing was written")
SEED = f"corpus/posts/{SEED_POST}.md"
LOOP = "a symbolic link loop (too many levels of symbolic links)"

# --- the cases -------------------------------------------------------------------
# Each setup function changes a published work folder; its message is exact.


def post_symlink_loop(work: Path) -> None:
    (work / "corpus/posts/post_symlink_loop.md").symlink_to("post_symlink_loop.md")


def posts_folder_symlink_loop(work: Path) -> None:
    shutil.rmtree(work / "corpus/posts")
    (work / "corpus/posts").symlink_to("posts")


def people_symlink_loop(work: Path) -> None:
    (work / "corpus/people.yaml").unlink()
    (work / "corpus/people.yaml").symlink_to("people.yaml")


def post_dangling_symlink(work: Path) -> None:
    (work / "corpus/posts/post_dangling_symlink.md").symlink_to("nowhere.md")


def post_named_pipe(work: Path) -> None:
    os.mkfifo(work / "corpus/posts/post_named_pipe.md")


def post_folder_named_like_a_post(work: Path) -> None:
    (work / "corpus/posts/post_folder_named_like_a_post.md").mkdir()
    shutil.copy(work / SEED, work / "corpus/posts/post_folder_named_like_a_post.md/inside.md")


def people_yaml_is_a_named_pipe(work: Path) -> None:
    (work / "corpus/people.yaml").unlink()
    os.mkfifo(work / "corpus/people.yaml")  # reading it would wait for a writer forever


def terms_yaml_is_a_folder(work: Path) -> None:
    (work / "corpus/terms.yaml").unlink()
    (work / "corpus/terms.yaml").mkdir()


def post_name_not_utf8(work: Path) -> None:
    text = (work / SEED).read_text(encoding="utf-8").replace("---\n", "---\nid: autre\n", 1)
    with open(os.fsencode(work / "corpus/posts") + b"/caf\xe9.md", "w", encoding="utf-8") as f:
        f.write(text)


def post_name_zero_width(work: Path) -> None:
    text = (work / SEED).read_text(encoding="utf-8").replace("---\n", "---\nid: autre\n", 1)
    (work / "corpus/posts/une\u200bnote.md").write_text(text, encoding="utf-8")


def post_permission_denied(work: Path) -> None:
    shutil.copy(FIXTURES / "bad/missing_title.md", work / "corpus/posts/post_permission_denied.md")
    (work / "corpus/posts/post_permission_denied.md").chmod(0)


def published_post_permission_denied(work: Path) -> None:
    (work / SEED).chmod(0)  # unchanged since the last build: an incremental build must still say it


def people_permission_denied(work: Path) -> None:
    (work / "corpus/people.yaml").chmod(0)


def posts_folder_permission_denied(work: Path) -> None:
    (work / "corpus/posts").chmod(0)


def corpus_folder_permission_denied(work: Path) -> None:
    (work / "corpus").chmod(0)


def schema_permission_denied(work: Path) -> None:
    (work / "schema.yaml").chmod(0)


def _denied(path: str, mode: str = "a+r", what: str = "cannot read") -> str:
    return f"{path}: {what}: permission denied; make it readable by the user running hubkb (chmod {mode} {path})"


def _closed(path: str, what: str = "cannot read") -> str:
    return (
        f"{path}: {what}: permission denied on the folder corpus; make it readable by the user running hubkb "
        "(chmod a+rx corpus)"
    )


# case -> (setup, the messages naming the case's file, whether a permission must be denied)
FILE_CASES: dict[str, tuple[Callable[[Path], None], list[str], bool]] = {
    "post_symlink_loop": (
        post_symlink_loop,
        [f"corpus/posts/post_symlink_loop.md: cannot read: {LOOP}; point the link at a file or remove it"],
        False,
    ),
    "posts_folder_symlink_loop": (
        posts_folder_symlink_loop,
        [f"corpus/posts: cannot read: {LOOP}; point the link at a folder or remove it"],
        False,
    ),
    "people_symlink_loop": (
        people_symlink_loop,
        [f"corpus/people.yaml: cannot read: {LOOP}; point the link at a file or remove it"],
        False,
    ),
    "post_dangling_symlink": (
        post_dangling_symlink,
        [
            "corpus/posts/post_dangling_symlink.md: a symbolic link to 'nowhere.md', which does not exist; "
            "fix the link or remove it"
        ],
        False,
    ),
    "post_named_pipe": (
        post_named_pipe,
        ["corpus/posts/post_named_pipe.md: a named pipe, not a post file; remove it or rename it"],
        False,
    ),
    "post_folder_named_like_a_post": (
        post_folder_named_like_a_post,
        [
            "corpus/posts/post_folder_named_like_a_post.md: a folder named like a post; posts are files: "
            "rename it or move it out of corpus/posts"
        ],
        False,
    ),
    "people_yaml_is_a_named_pipe": (
        people_yaml_is_a_named_pipe,
        ["corpus/people.yaml: a named pipe where a file belongs; move it away and put the file people.yaml there"],
        False,
    ),
    "terms_yaml_is_a_folder": (
        terms_yaml_is_a_folder,
        ["corpus/terms.yaml: a folder where a file belongs; move it away and put the file terms.yaml there"],
        False,
    ),
    "post_name_not_utf8": (
        post_name_not_utf8,
        ["corpus/posts/caf\\xe9.md: the file name is not UTF-8 (byte 0xe9); rename the file"],
        False,
    ),
    "post_name_zero_width": (
        post_name_zero_width,
        [
            "corpus/posts/une\\u200bnote.md: the file name holds an invisible character, "
            "U+200B (ZERO WIDTH SPACE); rename the file"
        ],
        False,
    ),
    "post_permission_denied": (
        post_permission_denied,
        [_denied("corpus/posts/post_permission_denied.md")],
        True,
    ),
    "published_post_permission_denied": (published_post_permission_denied, [_denied(SEED)], True),
    "people_permission_denied": (people_permission_denied, [_denied("corpus/people.yaml")], True),
    "posts_folder_permission_denied": (
        posts_folder_permission_denied,
        [_denied("corpus/posts", "a+rx", "cannot list the folder")],
        True,
    ),
    "corpus_folder_permission_denied": (
        corpus_folder_permission_denied,
        [
            *(_closed(f"corpus/{name}.yaml") for name in ("organisations", "people")),
            _closed("corpus/posts", "cannot list the folder"),
            *(_closed(f"corpus/{name}.yaml") for name in ("terms", "works")),
        ],
        True,
    ),
    "schema_permission_denied": (schema_permission_denied, [_denied("schema.yaml")], True),
}

# Authority fixtures: tests/fixtures/bad/<file>_<case>.yaml is appended to corpus/<file>.yaml;
# `{N}` is the fixture's line N, counted from the end of the file it is appended to.
AUTHORITY_CASES = {
    "people_zero_width_name": [
        "corpus/people.yaml:{1}: 'name' holds an invisible character, U+200B (ZERO WIDTH SPACE); delete it"
    ],
    "people_duplicate_key": [
        "corpus/people.yaml:{3}: duplicate key 'name' (first at line {1}); "
        "YAML would keep only the last value: remove or rename one"
    ],
    "terms_soft_hyphen_in_alias": [
        "corpus/terms.yaml:{2}: 'aliases' holds an invisible character, U+00AD (SOFT HYPHEN); delete it"
    ],
}


def test_every_authority_case_has_a_fixture() -> None:
    assert sorted(p.stem for p in (FIXTURES / "bad").glob("*.yaml")) == sorted(AUTHORITY_CASES)


# --- running check and build -----------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A work folder (corpus, schema, metadata) and the database built from it, made once."""
    work = tmp_path_factory.mktemp("published")
    shutil.copytree(CORPUS, work / "corpus")
    for name in ("schema.yaml", "metadata.json"):  # the child process may not read the repository
        shutil.copy(ROOT / name, work / name)
    result = _run_in_process(work, "build")
    assert result[0] == 0, result
    return work


@pytest.fixture
def work(published: Path) -> Iterator[Path]:
    """A fresh copy of the published folder, somewhere the `nobody` user can reach."""
    top = Path(tempfile.mkdtemp(prefix="hubkb-bad-files-"))
    try:
        top.chmod(0o755)
        folder = top / "work"
        shutil.copytree(published, folder, symlinks=True)
        yield folder
    finally:
        for path in [top, *top.rglob("*")]:  # undo the chmods so that the folder can go
            if not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(top)


def _run_in_process(work: Path, command: str) -> tuple[int, list[str]]:
    cwd = os.getcwd()
    os.chdir(work)
    try:
        result = CliRunner().invoke(cli, [command])
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


# The child warms up as root (a check and a full build of the valid published folder load every module
# they need: the interpreter's own files may be unreadable to `nobody`), drops to `nobody`, then runs
# check and build on the case's folder and prints what each said.
CHILD = f"""
import json, os, sys, tempfile
from click.testing import CliRunner
from hubkb.cli import cli

warm, work = sys.argv[1:3]
runner = CliRunner()
with tempfile.TemporaryDirectory() as scratch:
    os.chdir(warm)
    for args in (["check"], ["build", "--full", "--db", os.path.join(scratch, "warm.db")]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
if os.geteuid() == 0:
    os.setgroups([])
    os.setresgid({NOBODY}, {NOBODY}, {NOBODY})
    os.setresuid({NOBODY}, {NOBODY}, {NOBODY})
os.chdir(work)
said = []
for command in ("check", "build"):
    result = runner.invoke(cli, [command])
    crash = result.exception is not None and not isinstance(result.exception, SystemExit)
    said.append([result.exit_code, result.stderr, repr(result.exception) if crash else None])
print(json.dumps(said))
"""


def _check_and_build_unprivileged(work: Path, warm: Path) -> list[tuple[int, list[str]]]:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(warm), str(work)], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 0, child.stderr
    said = json.loads(child.stdout.splitlines()[-1])
    for _code, stderr, crash in said:
        assert crash is None and "Traceback" not in stderr, (crash, stderr)
    return [(code, stderr.splitlines()) for code, stderr, _crash in said]


def _give_to_nobody(work: Path) -> None:
    if os.geteuid() == 0:
        for path in [work, *work.rglob("*")]:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)


def _check_and_build(work: Path, unprivileged_after: Path | None = None) -> tuple[list[str], list[str]]:
    """Run check then build (as `nobody`, after a warm-up on `unprivileged_after`, when given).

    Both must exit 1 and leave the published database as it was.
    """
    published, names = (work / "hubkb.db").read_bytes(), sorted(p.name for p in work.iterdir())
    if unprivileged_after is not None:
        (check_code, check_lines), (build_code, build_lines) = _check_and_build_unprivileged(work, unprivileged_after)
    else:
        (check_code, check_lines), (build_code, build_lines) = (_run_in_process(work, c) for c in ("check", "build"))
    assert (check_code, build_code) == (1, 1), (check_lines, build_lines)
    assert (work / "hubkb.db").read_bytes() == published
    assert sorted(p.name for p in work.iterdir()) == names  # no temporary file left
    return check_lines, build_lines


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_file_case_is_reported_the_same_by_check_and_build(case: str, work: Path, published: Path) -> None:
    setup, expected, needs_a_denial = FILE_CASES[case]
    setup(work)
    if needs_a_denial:
        _give_to_nobody(work)

    check_lines, build_lines = _check_and_build(work, published if needs_a_denial else None)

    assert check_lines == build_lines
    if case == "schema_permission_denied":  # no corpus problem: the schema stops every command
        assert check_lines == [f"Error: {expected[0]}"]
        return
    named = {message.split(": ", 1)[0] for message in expected}
    assert [line for line in check_lines if line.split(":", 1)[0] in named] == expected
    assert SUMMARY.fullmatch(check_lines[-1])


@pytest.mark.parametrize("case", sorted(AUTHORITY_CASES))
def test_authority_case_is_reported_the_same_by_check_and_build(case: str, work: Path) -> None:
    target = work / "corpus" / f"{case.split('_', 1)[0]}.yaml"
    base = len(target.read_text(encoding="utf-8").splitlines())
    with target.open("a", encoding="utf-8") as f:
        f.write((FIXTURES / "bad" / f"{case}.yaml").read_text(encoding="utf-8"))
    expected = [re.sub(r"\{(\d+)\}", lambda m: str(base + int(m.group(1))), m) for m in AUTHORITY_CASES[case]]

    check_lines, build_lines = _check_and_build(work)

    assert check_lines == build_lines == [*expected, "Error: 1 error in 1 file; nothing was written"]


@pytest.mark.parametrize("case", sorted(POST_CASES))
def test_post_case_is_reported_the_same_by_check_and_build(case: str, work: Path) -> None:
    shutil.copy(FIXTURES / "bad" / f"{case}.md", work / "corpus" / "posts")

    check_lines, build_lines = _check_and_build(work)

    errors = [line for line in check_lines if ": warning: " not in line]
    assert check_lines == build_lines
    assert errors == [POST_CASES[case], "Error: 1 error in 1 file; nothing was written"]


def test_a_person_named_by_a_zero_width_space_gets_no_id(work: Path) -> None:
    """Today two such people are both `untitled` (a duplicate id); now each entry is refused."""
    people = work / "corpus/people.yaml"
    base = len(people.read_text(encoding="utf-8").splitlines())
    with people.open("a", encoding="utf-8") as f:
        f.write('- name: "\\u200b"\n- name: "\\u200b\\u200b"\n')

    check_lines, build_lines = _check_and_build(work)

    zero_width = "'name' holds an invisible character, U+200B (ZERO WIDTH SPACE); delete it"
    assert (
        check_lines
        == build_lines
        == [
            f"corpus/people.yaml:{base + 1}: {zero_width}",
            f"corpus/people.yaml:{base + 2}: {zero_width}",
            "Error: 2 errors in 1 file; nothing was written",
        ]
    )


def test_several_problems_in_one_post_are_all_listed(work: Path) -> None:
    (work / "corpus/posts/plusieurs.md").write_text(
        "---\ntitle: Une note\ntitle: Une autre\ndate: 2015-03-03\nauthors: [Régis Chatellier, 'Jean\u00adne']\n"
        "tags: [a\u200db]\n---\nUn paragraphe.\n",
        encoding="utf-8",
    )

    check_lines, build_lines = _check_and_build(work)

    assert (
        check_lines
        == build_lines
        == [
            "corpus/posts/plusieurs.md:3: duplicate key 'title' (first at line 2); "
            "YAML would keep only the last value: remove or rename one",
            "corpus/posts/plusieurs.md:5: 'authors' holds an invisible character, U+00AD (SOFT HYPHEN); delete it",
            "corpus/posts/plusieurs.md:6: 'tags' holds an invisible character, U+200D (ZERO WIDTH JOINER); delete it",
            "Error: 3 errors in 1 file; nothing was written",
        ]
    )
