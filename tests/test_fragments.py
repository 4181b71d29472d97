"""The entity pages' pieces written in Python (plugin/fragments.py): the HTML the macros wrote, escaped alike."""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

from hubkb.plugin.fragments import FILTERS

ENV = Environment(autoescape=True)
ENV.filters.update(FILTERS)
POST = {"title": "Tiers-lieux <& co>", "date": "2014-06-02", "url": "/hubkb/posts/p"}


def test_a_place_escapes_its_title_and_leaves_out_what_is_missing() -> None:
    place = FILTERS["hubkb_place"]
    assert place({"anchor": "/hubkb/posts/p#p3", "post": POST, "n": 3}) == Markup(
        '<a href="/hubkb/posts/p#p3">Tiers-lieux &lt;&amp; co&gt;</a>, ¶3 (2014-06-02)'
    )
    assert place({"anchor": "/hubkb/posts/p", "post": {"title": "T"}, "n": None}) == Markup(
        '<a href="/hubkb/posts/p">T</a>'
    )
    assert place({}) == Markup('<a href=""></a>')  # as Jinja wrote a missing value: nothing


def test_a_passage_says_who_where_and_links_its_citation() -> None:
    quote = {
        "kind": "quote",
        "text": "La coproduction n’est pas une méthode : c’est une relation entre égaux.",
        "givers": [{"name": "Ana <B>", "url": "/hubkb/people/ana"}],
        "via": {"name": "Laura Prandelle", "url": "/hubkb/people/laura-prandelle"},
        "url": "/hubkb/quotes/q1",
        "anchor": "/hubkb/posts/p#p2",
        "post": POST,
        "n": 2,
    }
    html = ENV.from_string("{{ items|hubkb_passages(show_via=false) }}").render(items=[quote, quote])
    one = (
        '<li class="hubkb-passage">\n<blockquote lang="fr">La coproduction n’est pas une méthode : c’est une relation '
        'entre égaux.</blockquote>\n<p class="hubkb-meta">Said by <a href="/hubkb/people/ana">Ana &lt;B&gt;</a>. In '
        '<a href="/hubkb/posts/p#p2">Tiers-lieux &lt;&amp; co&gt;</a>, ¶2 (2014-06-02).\n'
        '<a href="/hubkb/quotes/q1" aria-label="Cite this quote: La coproduction n’est pas une...">Cite</a></p>\n</li>'
    )
    assert html == one + one
    relayed = ENV.from_string("{{ q|hubkb_passage(show_givers=false) }}").render(q=quote)
    assert (
        '<p class="hubkb-meta">Relayed by <a href="/hubkb/people/laura-prandelle">Laura Prandelle</a>. In ' in relayed
    )


def test_a_passage_s_sentences_read_whole_whatever_it_lacks() -> None:
    """Each part of "Defines T. Given by A, in W (year); relayed by V. In P." may be missing: what is left
    still reads as sentences (a definition without a giver was "Defines T. From in W", without giver or
    work "Defines T. ; relayed by V" on every person page of the generated corpus)."""
    term = {"name": "coproduction", "url": "/hubkb/terms/coproduction"}
    work = {"name": "Us Now", "url": "/hubkb/works/us-now"}
    via = {"name": "Laura Prandelle", "url": "/hubkb/people/laura-prandelle"}
    ana = [{"name": "Ana", "url": "/hubkb/people/ana"}]
    d = {"kind": "definition", "term": term, "work": work, "work_year": 2009, "via": via, "givers": ana}
    t, w, v, a = (f'<a href="{x["url"]}">{x["name"]}</a>' for x in (term, work, via, ana[0]))

    def meta(p: dict, **show: object) -> str:
        return ENV.from_string("{{ p|hubkb_passage_meta(**show) }}").render(p=p, show=show)

    assert meta(d) == f"Defines {t}. Given by {a}, in {w} (2009); relayed by {v}."
    assert meta({**d, "givers": []}) == f"Defines {t}. From {w} (2009); relayed by {v}."
    assert meta({**d, "givers": [], "work": None}) == f"Defines {t}. Relayed by {v}."
    assert meta({**d, "term": None, "givers": [], "work": None}) == f"Relayed by {v}."
    assert meta({**d, "kind": "quote", "term": None, "via": None}) == f"Said by {a}, in {w} (2009)."
    assert meta({"kind": "quote"}) == ""
    place = ENV.from_string('{{ p|hubkb_passage_meta(show_via=false, last="In P") }}').render(p={**d, "givers": []})
    assert place == f"Defines {t}. From {w} (2009). In P."
    assert FILTERS["hubkb_passage_meta"]({}, last="<b>") == "&lt;b&gt;."  # plain text is escaped; Markup is kept
    assert FILTERS["hubkb_passage_meta"]({}, last=Markup("<b>P</b>")) == "<b>P</b>."


def test_a_citation_in_the_reference_list_says_so() -> None:
    cited = {"work": {"name": "Us Now", "url": "/hubkb/works/us-now"}, "work_year": 2009, "n": None,
             "anchor": "/hubkb/posts/p", "post": POST}  # fmt: skip
    assert ENV.from_string("{{ c|hubkb_citation }}").render(c=cited) == (
        '<li><a href="/hubkb/works/us-now">Us Now</a> (2009), cited in <a href="/hubkb/posts/p">Tiers-lieux '
        "&lt;&amp; co&gt;</a> (2014-06-02) (reference list)</li>"
    )
    del cited["n"]  # no paragraph number at all: not the reference list either (`c.n is none` is false)
    assert ENV.from_string("{{ [c]|hubkb_citations(show_work=false) }}").render(c=cited) == (
        '<li><a href="/hubkb/posts/p">Tiers-lieux &lt;&amp; co&gt;</a> (2014-06-02)</li>'
    )


def test_lists_of_mentions_count_their_paragraphs() -> None:
    people = [{"name": "A", "url": "/a", "paragraphs": 1, "first_n": 4}, {"name": "B", "paragraphs": 3, "first_n": 1}]
    assert FILTERS["hubkb_co_mentioned"](people) == Markup(
        '<a href="/a">A</a> <span class="hubkb-count">(1 paragraph)</span>, B <span class="hubkb-count">(3 paragraphs)</span>'
    )
    assert FILTERS["hubkb_mentioned"](people) == Markup(
        '<a href="/a">A</a> (<a href="#p4">¶4</a>), B (<a href="#p1">¶1</a>, 3 paragraphs)'
    )
    rows = [{"anchor": "/p#p1", "post": POST, "n": 1, "snippet": "un <b> brut"}]
    assert FILTERS["hubkb_mention_rows"](rows) == Markup(
        '\n<li><a href="/p#p1">Tiers-lieux &lt;&amp; co&gt;</a>, ¶1 (2014-06-02)<p class="hubkb-snippet">un &lt;b&gt; '
        "brut</p></li>\n"
    )


def test_table_rows_are_the_cells_datasette_s_template_loop_wrote() -> None:
    """`hubkb_table_rows` against the loop of Datasette 0.65's `_table.html`, run by Jinja on the same rows:
    the same cells, classes and escaping (Markup kept, text escaped, None and numbers as Jinja prints them)."""
    import re
    from pathlib import Path

    import datasette
    from datasette.utils import to_css_class

    from hubkb.plugin.fragments import table_rows_html

    template = (Path(datasette.__file__).parent / "templates" / "_table.html").read_text(encoding="utf-8")
    loop = re.search(r"\{% for row in display_rows %\}.*?\{% endfor %\}.*?\{% endfor %\}", template, re.S)
    assert loop is not None  # Datasette's loop, as this filter copies it
    env = Environment(autoescape=True)
    env.filters["to_css_class"] = to_css_class
    rows = [
        [
            {"column": "id", "value": "a&b", "value_type": "str"},
            {"column": "word count", "value": 12, "value_type": "int"},
            {"column": "body", "value": Markup('<a href="/x">Text</a>'), "value_type": "str"},
            {"column": "summary", "value": None, "value_type": "none"},
            {"column": "title", "value": "« l’hub » <b>", "value_type": "str"},
        ],
        [{"column": "id", "value": "", "value_type": "str"}],
    ]

    def squeezed(html: str) -> str:
        return re.sub(r">\s+<", "><", html).strip()

    assert squeezed(table_rows_html(rows)) == squeezed(env.from_string(loop.group(0)).render(display_rows=rows))
    assert table_rows_html([]) == Markup("")
    assert 'class="col-word-count-' in table_rows_html(rows)  # Datasette's class for a name with a space
