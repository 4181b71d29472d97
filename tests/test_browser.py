"""What a person sees: a real headless Chromium on a real `hubkb serve`.

Debian's chromium (installed by .ci/run), driven by playwright (conftest's `browser`).
The corpus carries a post that tries a <script>, an onerror attribute and a javascript: link.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from conftest import SEED_POST
from serving import INJECTION_POST, Server, injection_corpus


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("browser")
    injection_corpus(folder)
    s = Server(folder)
    yield s
    s.stop()


@pytest.fixture
def page(browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.errors = errors
    yield p
    context.close()


def test_post_page_shows_the_rendered_paragraphs(page, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.url}/hubkb/posts/{SEED_POST}#p4")
    article = page.locator("article.hubkb-body")
    assert article.locator("> .hubkb-para > [id^=p]").count() == 7
    assert page.locator("#p4").inner_text().startswith("Les auteurs de la publication The Challenge of Coproduction")
    assert page.locator("#p4").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 243, 176)"  # :target
    page.locator("details.hubkb-raw summary").click()  # the raw row, folded under the content
    assert page.locator("td.col-body a").inner_text() == "Read the text (971 words)"
    page.screenshot(path=str(tmp_path / "post.png"), full_page=True)
    assert (tmp_path / "post.png").stat().st_size > 10_000
    assert page.errors == []


def test_injected_script_did_not_run(page, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.url}/hubkb/posts/{INJECTION_POST}")
    page.wait_for_load_state("load")
    assert page.locator("#p1").inner_text() == "Un paragraphe sûr sur la coproduction et les services publics."
    assert page.locator("#p1 b").inner_text() == "services"
    assert page.evaluate("typeof window.hubkbInjected") == "undefined"
    assert page.locator("article.hubkb-body script").count() == 0
    assert page.locator("article.hubkb-body [onerror]").count() == 0
    trap = page.locator("#p4 a", has_text="un lien piégé")
    assert trap.get_attribute("href") is None
    trap.click()
    assert page.evaluate("typeof window.hubkbInjected") == "undefined"
    assert page.locator("#p4 a", has_text="lien sûr").get_attribute("href") == "https://example.org/"
    page.screenshot(path=str(tmp_path / "injection.png"), full_page=True)


def test_faceted_posts_page(page, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.url}/hubkb/posts")
    year = page.locator("#facet-year")
    assert year.locator("li a").all_inner_texts() == ["2014", "2015"]
    assert page.locator("#facet-tags li a").all_inner_texts()[:1] == ["coproduction"]
    year.locator("li a", has_text="2014").click()
    page.wait_for_url("**/hubkb/posts?year=2014")
    assert page.locator("h3").first.inner_text().startswith("1 row where year = 2014")
    assert page.locator("td.col-title").all_inner_texts() == ["Vous avez dit coproduction ?"]
    page.screenshot(path=str(tmp_path / "posts.png"), full_page=True)
    assert page.errors == []


def test_search_lands_on_the_paragraph(page, server: Server) -> None:
    page.goto(f"{server.url}/hubkb/search_passages?q=27%C3%A8me+r%C3%A9gion")
    assert page.locator("td.col-snippet mark").all_inner_texts() == ["27ème", "Région"]
    page.locator("td.col-anchor a").first.click()
    page.wait_for_url(f"**/hubkb/posts/{SEED_POST}#p4")
    assert page.locator("#p4").is_visible()


# --- a generated 200-post corpus: long facets, long lists ---------------------------------------


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_a_tables_first_screen_shows_rows(browser: Browser, generated_server: Server, tmp_path: Path, width: int, height: int) -> None:  # fmt: skip
    """On 200 posts a facet has dozens of values: each shows 6 (and "all of them"), with a readable
    title (term, not term_id); on a phone they fold under one line. The first row is on the first screen."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        for table in ("posts", "definitions", "quotes", "works", "people", "organisations", "terms", "paragraphs"):
            page.goto(f"{generated_server.url}/hubkb/{table}")
            first_row = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
            assert first_row is not None and first_row["y"] + 40 < height, (table, width, first_row)
            facets = page.locator("details.hubkb-facets")
            if facets.count():
                assert facets.evaluate("e => e.open") is (width > 576), (table, width)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (table, width, overflow)
        page.screenshot(path=str(tmp_path / f"paragraphs-{width}.png"))
        page.goto(f"{generated_server.url}/hubkb/definitions")
        names = page.locator(".facet-info-name strong").all_text_contents()  # folded on a phone: not rendered
        assert [n.split()[0] for n in names] == ["term", "by"]
        assert page.locator("summary", has_text="Narrow down by term, by").count() == 1
        term = page.locator("#facet-term_id li")
        assert term.count() == 7 and term.last.text_content().strip() == "all of them"  # 6 values, then the link to all
        if width <= 576:
            page.locator("details.hubkb-facets summary").click()  # unfold
        term.last.locator("a").click()
        page.wait_for_url("**_facet_size=max**")
        assert page.locator("#facet-term_id li").count() > 7
        # a canned query's question: on a phone its label stands above its field, not squeezed beside it
        page.goto(f"{generated_server.url}/hubkb/search_passages?q=usager")
        label, field = (
            page.locator(f"form.hubkb-ask {s}").first.bounding_box() for s in ("label", "input[type=search]")
        )
        if width <= 576:
            assert label["y"] + label["height"] <= field["y"] + 1 and field["width"] > width * 0.8, (label, field)
        else:
            assert label["x"] + label["width"] <= field["x"] + 1, (label, field)
    finally:
        context.close()
