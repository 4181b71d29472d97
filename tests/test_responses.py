"""What every response carries, and clean errors for requests that cannot be answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, SEED_POST
from serving import Client

METADATA = ROOT / "metadata.json"


@pytest.fixture(scope="module")
def client(built_db: Path):
    c = Client.serving(built_db, METADATA)
    yield c
    c.close()


# --- X-Content-Type-Options: nosniff ----------------------------------------------------------

EVERY_KIND_OF_RESPONSE = {
    "/": 200,
    "/hubkb": 200,
    "/hubkb/posts": 200,
    f"/hubkb/posts/{SEED_POST}": 200,
    "/hubkb/posts.json?_shape=array": 200,
    "/hubkb/works.csv?_stream=on": 200,
    "/hubkb/works.bib": 200,
    "/hubkb/works.ris?_dl=1": 200,
    "/hubkb/works/boyle-harris-2009/cite": 200,
    "/hubkb/search_passages.json?q=coproduction": 200,
    "/-/versions.json": 200,
    "/-/static/app.css": 200,
    "/-/static-plugins/hubkb/hubkb.css": 200,
    "/hubkb/nowhere": 404,
    "/hubkb.json?sql=select+nothing+from+nowhere": 400,
}


@pytest.mark.parametrize("path", EVERY_KIND_OF_RESPONSE)
def test_every_response_says_nosniff(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == EVERY_KIND_OF_RESPONSE[path], response.text[:300]
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]


def test_a_client_error_is_answered_without_a_traceback(client: Client, capfd: pytest.CaptureFixture) -> None:
    """A 404 gets Datasette's error page or JSON, and no traceback: with `rich` installed (spaCy's command line
    brings it), Datasette's own handler printed each one's, with its locals (0.4-0.6 s of CPU at 10,000 posts)."""
    import rich  # noqa: F401 (installed here: what made Datasette print)

    capfd.readouterr()
    page = client.get("/hubkb/people/nobody-here")
    assert page.status_code == 404
    assert "<title>Error 404</title>" in page.text and "Record not found" in page.text
    # hubkb's header, and what was asked for and where to look instead
    assert 'class="hubkb-header-search" action="/hubkb/-/search"' in page.text
    assert 'Record not found: no row “nobody-here” in <a href="/hubkb/people">people</a>.' in page.text
    assert '<a href="/hubkb/-/search?q=nobody+here">search everything for it</a>' in page.text
    assert "no row" not in client.get("/hubkb/nowhere").text  # a table that does not exist: Datasette's words
    data = client.get("/hubkb/nowhere.json")
    assert (data.status_code, data.json()) == (
        404,
        {"ok": False, "error": "Table not found", "status": 404, "title": None},
    )
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err, (out + err)[:2000]


# --- SQL functions given the wrong type -----------------------------------------------------------


def test_sql_functions_given_another_type_fail_cleanly(
    client: Client, built_db: Path, capfd: pytest.CaptureFixture
) -> None:
    # the plugin registers the functions on Datasette's connections; read their names from one
    names = client.get("/hubkb.json?sql=select+name+from+pragma_function_list+where+name+like+'hubkb%25'&_shape=array")
    functions = sorted({row["name"] for row in names.json()})
    assert {"hubkb_fold", "hubkb_fts_query", "hubkb_snippet_text"} <= set(functions)
    capfd.readouterr()
    for name in functions:
        for value, kind in (("x'ab'", "blob"), ("42", "integer"), ("1.5", "real")):
            response = client.get("/hubkb.json", params={"sql": f"select {name}({value})"})
            assert response.status_code == 400, (name, kind, response.text[:200])
            assert response.json()["error"] == "user-defined function raised exception", (name, kind)
    _, err = capfd.readouterr()
    assert "Traceback" not in err and "SQLArgumentError" not in err, err[:2000]


def test_sql_functions_still_answer_text_and_null(client: Client) -> None:
    found = client.get(
        "/hubkb.json", params={"sql": "select hubkb_fold('Région'), hubkb_fold(null), hubkb_fts_escape('a b')"}
    )
    assert found.status_code == 200, found.text
    assert found.json()["rows"] == [["region", None, '"a" AND "b"']]


# --- .bib, .ris and .csljson where the rows name no work -------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/hubkb/search_passages.bib?q=coproduction",
        "/hubkb/search_passages.ris?q=coproduction",
        "/hubkb/search_passages.csljson?q=coproduction",
        "/hubkb.bib?sql=select+1",
        "/hubkb/people.ris",
    ],
)
def test_a_works_format_on_rows_without_works_is_a_400_that_says_why(client: Client, path: str) -> None:
    response = client.get(path)
    extension = path.split("?")[0].rsplit(".", 1)[1]
    assert (response.status_code, response.text) == (
        400,
        f"no works in these rows: .{extension} needs works.id, posts.id or a work_id column\n",
    )
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
