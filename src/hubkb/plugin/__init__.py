"""hubkb's Datasette plugin: hooks only, one module per area.

Registered through the `datasette` entry point (`hubkb = hubkb.plugin`), so
`hubkb serve` and a plain `datasette hubkb.db -m metadata.json` both get it.
Pluggy registers every hook implementation it finds on this module, so each
area module marks its hooks with `@hookimpl(specname="<hook>")` under a name
of its own, and this file only re-exports them: two areas may implement the
same hook (Datasette calls them all and, for `render_cell`, takes the first
answer that is not None).

- `sql_functions`: `prepare_connection` (SQL functions; text decoded in C on hubkb's files)
- `pages`: `extra_template_vars` (the `hubkb` flag; entity, passage and paragraph pages),
  `prepare_jinja2_environment` (filters, and the `{% hubkb_once %}` tag: a row page's content rendered once)
- `cells`: `render_cell`
- `facets`: `register_facet_classes` (hubkb's `json_array` facet; a hook wrapper puts the same fast
  counting in place of Datasette's `array` facet)
- `formats`: `register_output_renderer` (.bib, .ris, .csljson)
- `cite_pages`: `register_routes` (the citation page of a work)
- `search`: `prepare_connection` (search SQL functions), `canned_queries` (hubkb/queries/*.sql),
  `render_cell` (a paragraph's definitions and quotes in search results), `register_routes`
  (/<db>/-/search, the global search behind the header box),
  `register_magic_parameters` (`:_hubkb_limit`, `:_hubkb_candidates`), `extra_template_vars` (how many
  paragraphs the passage search matched)
- `lineage_pages`: `register_routes` (lineage of a passage, citation network; Cytoscape.js in static/)
- `serving`: `asgi_wrapper` (X-Content-Type-Options: nosniff on every response; a streamed CSV read in
  pages of max_returned_rows), `filters_from_request`
  (a hook wrapper: table searches sorted on an indexed column walk that index), `handle_exception`
  (a client's error, such as a 404, answered without printing its traceback; on hubkb's
  pages with hubkb's header, and a missing row named, with where to look for it)

Templates and static files are Datasette's own plugin folders,
`plugin/templates/` (before Datasette's defaults, after a `--template-dir`) and
`plugin/static/` (served at /-/static-plugins/hubkb/).

The logic lives in library modules: Markdown and snippets in `hubkb.render`,
citations in `hubkb.citation`, SQL in `hubkb.db`, FTS escaping in `hubkb.fts_query`.
The plugin is installed for every Datasette in the environment, so hooks that
change what a page shows act only on databases hubkb built (`common.is_hubkb`).
"""

from .cells import render_hubkb_cell
from .cite_pages import cite_routes
from .facets import fast_array_facet, json_array_facet
from .formats import citation_formats
from .lineage_pages import lineage_filters, lineage_routes, reuse_cells, term_lineage_vars
from .pages import hubkb_jinja_filters, hubkb_page_vars
from .search import (
    hubkb_canned_queries,
    search_cells,
    search_magic_parameters,
    search_matches_vars,
    search_routes,
    search_sql_functions,
)
from .serving import (
    client_errors_without_tracebacks,
    search_through_the_sort_index,
    security_headers,
    streamed_csv_in_full_pages,
)
from .sql_functions import hubkb_sql_functions, hubkb_text_in_c

__all__ = [
    "citation_formats",
    "cite_routes",
    "client_errors_without_tracebacks",
    "fast_array_facet",
    "hubkb_canned_queries",
    "hubkb_jinja_filters",
    "hubkb_page_vars",
    "hubkb_sql_functions",
    "hubkb_text_in_c",
    "json_array_facet",
    "lineage_filters",
    "lineage_routes",
    "render_hubkb_cell",
    "reuse_cells",
    "search_cells",
    "search_magic_parameters",
    "search_matches_vars",
    "search_routes",
    "search_sql_functions",
    "search_through_the_sort_index",
    "security_headers",
    "streamed_csv_in_full_pages",
    "term_lineage_vars",
]
