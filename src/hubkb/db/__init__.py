"""Everything that talks SQL lives in this package, a module per job.

`write` creates and fills a database (sqlite-utils), `state` reads what a
published one holds, `rows` turns records into rows, `search`, `export`,
`lookup`, `queries` and `inspect` serve the commands and the plugin.
"""
