"""What the plugin's areas share: is this hubkb's database, and hubkb's URLs."""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from datasette.utils import tilde_encode
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_is_hubkb_cache: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


async def is_hubkb(datasette: Any, database: str | None) -> bool:
    """Whether `database` is one hubkb built (it has a `hubkb_build` table); cached per database."""
    if database is None or database not in datasette.databases:
        return False
    db = datasette.get_database(database)
    if db not in _is_hubkb_cache:
        _is_hubkb_cache[db] = "hubkb_build" in await db.table_names()
    return _is_hubkb_cache[db]


def when_hubkb(datasette: Any, database: str, make: Callable[[], Markup]) -> Awaitable[Markup | None]:
    """`make()` on hubkb's databases, None (Datasette's default) elsewhere: for `render_cell`."""

    async def inner() -> Markup | None:
        return make() if await is_hubkb(datasette, database) else None

    return inner()


def anchor_url(datasette: Any, database: str, post_id: str, n: Any = None) -> str:
    """/hubkb/posts/<post_id>#pN: the paragraph on the post's page."""
    url = datasette.urls.row(database, "posts", tilde_encode(post_id))
    return f"{url}#p{n}" if n else url


def cite_url(datasette: Any, database: str, work_id: str) -> str:
    return datasette.urls.table(database, "works") + "/" + tilde_encode(work_id) + "/cite"
