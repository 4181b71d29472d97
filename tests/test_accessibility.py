"""A person can use it (issue #10.9): every kind of page (home, a table, each entity page, each canned
query, the cite pages, the global search) at 1280 and 390 px, checked by axe-core.

A real `hubkb serve` over loopback HTTP, Debian's chromium driven by playwright (conftest's `browser`),
axe-core run in the page by axe-playwright-python: no serious or critical
violation. Screenshots of every page and width go to the test's temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from conftest import CORPUS, SEED_POST
from serving import Server

PAGES = {
    "home": "/",
    "table": "/hubkb/posts",
    "person": "/hubkb/people/laura-prandelle",
    "organisation": "/hubkb/organisations/la-27e-region",
    "work": "/hubkb/works/boyle-harris-2009",
    "term": "/hubkb/terms/coproduction",
    "post": f"/hubkb/posts/{SEED_POST}",
    "definition": f"/hubkb/definitions/{SEED_POST}~23d2",
    "paragraph": f"/hubkb/paragraphs/{SEED_POST}~23p4",
    "quote": f"/hubkb/quotes/{SEED_POST}~23q1",
    "citation": "/hubkb/citations/1",
    "search_passages": "/hubkb/search_passages?q=27%C3%A8me+r%C3%A9gion",
    "definitions_of_term": "/hubkb/definitions_of_term?term=coproduction",
    "everything_about": "/hubkb/everything_about?name=Laura+Prandelle",
    "who_cites_whom": "/hubkb/who_cites_whom?name=Nesta",
    "cite_work": "/hubkb/works/boyle-harris-2009/cite",
    "cite_post": f"/hubkb/posts/{SEED_POST}/cite",
    "search": "/hubkb/-/search?q=coproduction",
}
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    import shutil

    folder = tmp_path_factory.mktemp("axe")
    shutil.copytree(CORPUS, folder / "corpus")
    s = Server(folder)
    yield s
    s.stop()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_or_critical_violation(browser: Browser, server: Server, tmp_path: Path, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    axe = Axe()
    found: dict[str, list[str]] = {}
    try:
        for name, path in PAGES.items():
            response = page.goto(server.url + path)
            assert response is not None and response.status == 200, (name, path)
            page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                found.setdefault(name, []).append(f"the page scrolls sideways by {overflow} px")
            results = axe.run(page)
            serious = [
                f"{v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])}] {v['nodes'][0]['target']}"
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if serious:
                found.setdefault(name, []).extend(serious)
    finally:
        context.close()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
    assert len(list(tmp_path.glob(f"*-{width}.png"))) == len(PAGES)


def test_cite_page_titles_are_italic_and_copy_gives_rich_and_plain_text(browser: Browser, server: Server) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(server.url + "/hubkb/works/boyle-harris-2009/cite")
        title = page.locator(".hubkb-ref i").first
        assert title.inner_text().startswith("The Challenge of Co-production")
        assert title.evaluate("e => getComputedStyle(e).fontStyle") == "italic"
        page.locator(".hubkb-copy-button").first.click()
        page.wait_for_function("document.querySelector('.hubkb-copy-button').textContent === 'Copied'")
        copied = page.evaluate(
            """async () => {
                const [item] = await navigator.clipboard.read();
                const out = {};
                for (const type of item.types) { out[type] = await (await item.getType(type)).text(); }
                return out;
            }"""
        )
    finally:
        context.close()
    assert "<i>The Challenge of Co-production" in copied["text/html"]
    assert copied["text/plain"].startswith("Boyle, D., & Harris, M. (2009). The Challenge of Co-production")
    assert "<i>" not in copied["text/plain"]
