"""Zotero-ready pages (issue #10.8): post and work pages embed what reference managers read.

Dublin Core, Open Graph and schema.org JSON-LD are read back with extruct (the
extractor Scrapy's ecosystem uses); the Highwire `citation_*` tags, which
extruct has no syntax for, with lxml; the COinS span's OpenURL with urllib.
Each is checked against the title, authors, date and site or publisher.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import extruct
import lxml.html
import pytest

from conftest import ROOT, SEED_POST
from hubkb.build import build
from hubkb.citation.embedded import json_ld
from serving import Client

METADATA = ROOT / "metadata.json"
BASE = "http://127.0.0.1:8001"
BOYLE_TITLE = (
    "The Challenge of Co-production: How equal partnerships between professionals and the public are crucial "
    "to improving public services"
)


@pytest.fixture(scope="module")
def client(built_db: Path):
    c = Client.serving(built_db, METADATA)
    yield c
    c.close()


def metadata(client: Client, path: str) -> dict:
    html = client.get(path).text
    data = extruct.extract(html, base_url=BASE + path, syntaxes=["dublincore", "opengraph", "json-ld"], uniform=True)
    tree = lxml.html.fromstring(html)
    highwire: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[starts-with(@name, 'citation_')]"):
        highwire.setdefault(meta.get("name"), []).append(meta.get("content"))
    (span,) = tree.xpath("//span[@class='Z3988']")
    return {
        "dc": _dublin_core(data["dublincore"]),
        "og": data["opengraph"][0],
        "json_ld": data["json-ld"][0],
        "highwire": highwire,
        "coins": parse_qs(span.get("title")),
    }


def _dublin_core(found: list[dict]) -> dict[str, list[str]]:
    elements: dict[str, list[str]] = {}
    for element in found[0]["elements"]:
        elements.setdefault(element["name"], []).append(element["content"])
    return elements


def test_post_page_metadata(client: Client) -> None:
    found = metadata(client, f"/hubkb/posts/{SEED_POST}")
    assert found["highwire"] == {
        "citation_title": ["Vous avez dit coproduction ?"],
        "citation_author": ["Chatellier, Régis"],
        "citation_publication_date": ["2014/08/27"],
        "citation_date": ["2014/08/27"],
        "citation_language": ["fr"],
    }
    assert found["dc"] == {
        "DC.title": ["Vous avez dit coproduction ?"],
        "DC.creator": ["Chatellier, Régis"],
        "DC.date": ["2014-08-27"],
        "DC.publisher": ["l’hubservatoire"],
        "DC.language": ["fr"],
    }
    assert found["og"]["og:site_name"] == "l’hubservatoire" and found["og"]["@type"] == "article"
    ld = found["json_ld"]
    assert ld["@type"] == "BlogPosting" and ld["headline"] == "Vous avez dit coproduction ?"
    assert [a["name"] for a in ld["author"]] == ["Régis Chatellier"]
    assert ld["datePublished"] == "2014-08-27" and ld["isPartOf"] == {"@type": "Blog", "name": "l’hubservatoire"}
    coins = found["coins"]
    assert coins["rft.title"] == ["Vous avez dit coproduction ?"] and coins["rft.creator"] == ["Chatellier, Régis"]
    assert coins["rft.date"] == ["2014-08-27"] and coins["rft.publisher"] == ["l’hubservatoire"]
    assert coins["rft.type"] == ["blogPost"]


def test_work_page_metadata(client: Client) -> None:
    found = metadata(client, "/hubkb/works/boyle-harris-2009")
    assert found["highwire"]["citation_title"] == [BOYLE_TITLE]
    assert found["highwire"]["citation_author"] == ["Boyle, David", "Harris, Michael"]  # the reference's order
    assert found["highwire"]["citation_publication_date"] == ["2009"]
    assert found["highwire"]["citation_technical_report_institution"] == ["Nesta"]
    assert found["dc"]["DC.creator"] == ["Boyle, David", "Harris, Michael"]
    assert found["dc"]["DC.date"] == ["2009"] and found["dc"]["DC.publisher"] == ["Nesta"]
    ld = found["json_ld"]
    assert ld["@type"] == "Report" and ld["name"] == BOYLE_TITLE
    assert [(a["familyName"], a["givenName"]) for a in ld["author"]] == [("Boyle", "David"), ("Harris", "Michael")]
    assert ld["publisher"]["name"] == "Nesta" and ld["datePublished"] == "2009"
    coins = found["coins"]
    assert coins["rft.genre"] == ["report"] and coins["rft.btitle"] == [BOYLE_TITLE]
    assert coins["rft.au"] == ["Boyle, David", "Harris, Michael"] and coins["rft.pub"] == ["Nesta"]


def test_json_ld_is_safe_inside_its_script() -> None:
    """The JSON-LD stays valid JSON, and cannot close its script, whatever the title holds."""
    item = {"type": "post-weblog", "title": "A </script> & <b>", "URL": "https://example.org/billet"}
    text = json_ld(item)
    assert "</script>" not in text and json.loads(text)["name"] == "A </script> & <b>"
    assert json.loads(text)["url"] == "https://example.org/billet"


def test_a_post_with_a_url_is_cited_with_it(corpus_copy: Path, tmp_path: Path) -> None:
    """APA's blog-post form ends with the post's address, never a path of this site."""
    post = corpus_copy / "posts" / f"{SEED_POST}.md"
    url = "https://www.example.org/hubservatoire/vous-avez-dit-coproduction/"
    post.write_text(post.read_text(encoding="utf-8").replace("site: ", f"url: {url}\nsite: ", 1), encoding="utf-8")
    build(corpus_copy, tmp_path / "hubkb.db", ROOT / "schema.yaml")
    client = Client.serving(tmp_path / "hubkb.db", METADATA)
    try:
        found = metadata(client, f"/hubkb/posts/{SEED_POST}")
        cite = client.get(f"/hubkb/posts/{SEED_POST}/cite").text
    finally:
        client.close()
    assert found["highwire"]["citation_public_url"] == [url] and found["og"]["og:url"] == url
    assert f"Vous avez dit coproduction ? <i>l’hubservatoire</i>. {url}" in cite
