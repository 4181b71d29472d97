"""What every response of a Datasette serving hubkb carries: security headers (hubkb.headers)."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from ..headers import with_security_headers


@hookimpl(specname="asgi_wrapper")
def security_headers(datasette: Any) -> Any:
    """X-Content-Type-Options: nosniff on every response, pages, exports and static files alike."""
    return with_security_headers
