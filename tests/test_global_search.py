"""One search box in every page header: every kind of record, ranked, with snippets, each hit a link."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from conftest import ROOT, SEED_POST
from serving import Client, Server

P = f"{SEED_POST}#p"


@pytest.fixture(scope="module")
def client(built_db: Path):
    c = Client.serving(built_db, ROOT / "metadata.json")
    yield c
    c.close()


def sections(html: str) -> dict[str, list[str]]:
    """Section id -> the hrefs of its hits, in order."""
    found = {}
    for kind, body in re.findall(r'<section class="hubkb-search-section" id="(\w+)">(.*?)</section>', html, re.S):
        found[kind] = re.findall(r'<a class="hubkb-hit" href="([^"]+)"', body)
    return found


def test_the_header_of_every_page_has_the_search_box(client: Client) -> None:
    for path in ["/", "/hubkb", "/hubkb/posts", f"/hubkb/posts/{SEED_POST}", "/hubkb/people", "/hubkb/search_passages"]:
        html = client.get(path).text
        assert '<form class="hubkb-header-search" action="/hubkb/-/search"' in html, path


def test_every_kind_of_record_is_found(client: Client) -> None:
    found = sections(client.get("/hubkb/-/search", params={"q": "coproduction"}).text)
    assert found["terms"] == ["/hubkb/terms/coproduction"]
    assert found["posts"] == [f"/hubkb/posts/{SEED_POST}"]
    definitions = sections(client.get("/hubkb/-/search", params={"q": "réciproques"}).text)
    assert definitions["definitions"] == [f"/hubkb/definitions/{SEED_POST}~23d2"]
    assert f"/hubkb/posts/{SEED_POST}#p1" in found["paragraphs"] and len(found["paragraphs"]) == 6
    people = sections(client.get("/hubkb/-/search", params={"q": "pandelle"}).text)
    assert people["people"] == ["/hubkb/people/laura-prandelle"]
    works = sections(client.get("/hubkb/-/search", params={"q": "challenge"}).text)
    assert works["works"] == ["/hubkb/works/boyle-harris-2009"]
    quotes = sections(client.get("/hubkb/-/search", params={"q": "catastrophe"}).text)
    assert quotes["quotes"] == [f"/hubkb/quotes/{SEED_POST}~23q3"]
    orgs = sections(client.get("/hubkb/-/search", params={"q": "Nesta"}).text)
    assert orgs["organisations"] == ["/hubkb/organisations/nesta"]


def test_other_forms_snippets_and_passages(client: Client) -> None:
    html = client.get("/hubkb/-/search", params={"q": "professionnel"}).text
    assert sections(html)["paragraphs"] == [f"/hubkb/posts/{SEED_POST}#p4"]
    assert "les <mark>professionnels</mark>, les utilisateurs" in html
    assert f'<a href="/hubkb/definitions/{SEED_POST}~23d2">definition {SEED_POST}#d2</a> (coproduction)' in html


def test_each_hit_shows_its_date_and_anchor_and_a_passage_its_post(client: Client) -> None:
    html = client.get("/hubkb/-/search", params={"q": "professionnel"}).text
    paragraph = re.search(r'<section class="hubkb-search-section" id="paragraphs">.*?</section>', html, re.S)[0]
    head = re.search(r'<p class="hubkb-hit-head">(.*?)</p>', paragraph, re.S)[1]
    assert head == (
        f'<a class="hubkb-hit" href="/hubkb/posts/{SEED_POST}#p4">Vous avez dit coproduction ?</a>'
        ' <time class="hubkb-hit-date" datetime="2014-08-27">2014-08-27</time>'
        f' <code class="hubkb-hit-anchor" title="{SEED_POST}#p4">#p4</code>'
    )
    assert paragraph.index('<div class="hubkb-snippet">') < paragraph.index('<ul class="hubkb-hit-passages">')
    definitions = client.get("/hubkb/-/search", params={"q": "réciproques"}).text
    definition = re.search(r'id="definitions">.*?</section>', definitions, re.S)[0]
    assert '<time class="hubkb-hit-date" datetime="2014-08-27">2014-08-27</time>' in definition
    assert f'<code class="hubkb-hit-anchor" title="{SEED_POST}#d2">#d2</code>' in definition
    assert (
        f'<p class="hubkb-hit-in">in <a href="/hubkb/posts/{SEED_POST}#d2">Vous avez dit coproduction ?</a></p>'
        in definition
    )
    # a post's snippet is cut from its text, never from its list of search variants
    posts = re.search(r'id="posts">.*?</section>', client.get("/hubkb/-/search", params={"q": "coproduction"}).text, re.S)[0]  # fmt: skip
    snippet = re.search(r'<div class="hubkb-snippet">(.*?)</div>', posts, re.S)[1]
    assert "27eme" not in snippet and "<mark>coproduction</mark>" in snippet


@pytest.mark.parametrize("q", ['NEAR("', "*", "<script>alert(1)</script>", "x" * 20_000, "AND OR", '"'])
def test_hostile_queries_answer_a_page(client: Client, q: str) -> None:
    response = client.get("/hubkb/-/search", params={"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_nothing_found_suggests_forms(client: Client) -> None:
    html = client.get("/hubkb/-/search", params={"q": "coprodutions"}).text
    assert "Nothing matches <strong>coprodutions</strong>; did you mean" in html
    assert '<a href="/hubkb/-/search?q=coproduction">coproduction</a>' in html
    assert client.get("/hubkb/-/search").status_code == 200


# --- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    import shutil

    folder = tmp_path_factory.mktemp("global-search")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    s = Server(folder)
    yield s
    s.stop()


def test_typing_in_the_header_box_lands_on_the_paragraph(
    browser: Browser,
    server: Server,
    tmp_path: Path,
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{server.url}/hubkb/works")
        box = page.locator("header form.hubkb-header-search input[name=q], form.hubkb-header-search input[name=q]")
        box.first.fill("utilisateur")
        box.first.press("Enter")
        page.wait_for_url(re.compile(r"/hubkb/-/search\?q=utilisateur"))
        first = page.locator("#paragraphs a.hubkb-hit").first
        assert first.get_attribute("href") == f"/hubkb/posts/{SEED_POST}#p5"  # the form as typed first
        page.screenshot(path=str(tmp_path / "search.png"))
        first.click()
        page.wait_for_url(re.compile(r"#p5$"))
        target = page.locator("#p5")
        assert "panel utilisateur" in target.inner_text()
        assert target.evaluate("el => el.matches(':target')")
        page.screenshot(path=str(tmp_path / "landed.png"))
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_hits_are_cards_with_their_passages_indented_below(browser: Browser, server: Server, tmp_path: Path, width: int) -> None:  # fmt: skip
    """Each hit a box of its own (a border, space between two), title, date and anchor on one line at
    1280 px, the snippet below, the definitions and quotes indented under it in smaller, muted type."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/hubkb/-/search?q=coproduction")
        page.screenshot(path=str(tmp_path / f"search-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways at {width} px"
        cards = page.locator("#paragraphs li.hubkb-hit-card")
        assert cards.count() == 6
        boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
        gaps = [b["y"] - (a["y"] + a["height"]) for a, b in itertools.pairwise(boxes)]
        assert min(gaps) >= 8, gaps
        style = cards.first.evaluate("e => getComputedStyle(e).borderTopStyle + ' ' + getComputedStyle(e).borderLeftWidth")  # fmt: skip
        assert style.startswith("solid") and float(style.split()[1].removesuffix("px")) >= 3
        card = page.locator("#paragraphs li.hubkb-hit-card", has=page.locator(".hubkb-hit-passages"))
        assert card.count() == 2
        head = [card.first.locator(s).bounding_box() for s in ("a.hubkb-hit", ".hubkb-hit-date", ".hubkb-hit-anchor")]
        snippet = card.first.locator(".hubkb-snippet").bounding_box()
        passages = card.first.locator(".hubkb-hit-passages li").first
        if width == 1280:  # one line: the same baseline band
            assert max(b["y"] for b in head) - min(b["y"] for b in head) < 6, head
        assert snippet["y"] >= max(b["y"] + b["height"] for b in head) - 1  # the snippet below the head line
        assert passages.bounding_box()["x"] >= snippet["x"] + 10  # indented under the paragraph
        sizes = passages.evaluate("e => [getComputedStyle(e).fontSize, getComputedStyle(e).color]")
        text_size = card.first.locator(".hubkb-snippet").evaluate("e => getComputedStyle(e).fontSize")
        assert float(sizes[0].removesuffix("px")) < float(text_size.removesuffix("px"))
        assert sizes[1] == "rgb(85, 85, 85)"  # muted, still 7:1 on white
    finally:
        context.close()
