"""The writer's tools, what `hubkb search`, `hubkb cite` and `hubkb export` do without the printing.

`search` (ranked passages with snippets), `cite` (a work or a passage from the
published database, formatted by `hubkb.citation`), `export` (tables, queries
and works streamed as CSV, JSON, NDJSON, BibTeX, RIS, CSL-JSON). Their SQL
lives in `hubkb.db`.
"""
