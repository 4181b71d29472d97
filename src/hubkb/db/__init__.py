"""Everything that talks SQL lives in this package, a module per job.

`write` creates and fills a database (sqlite-utils), `state` reads what a
published one holds, `rows` turns records into rows, `search`, `lookup`
(works, passages, exports' rows), `queries` and `inspect` serve the writer
tools (`hubkb.writer`) and the plugin.
"""
