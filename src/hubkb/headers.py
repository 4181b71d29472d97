"""Response headers every hubkb page carries, set in one ASGI wrapper.

`X-Content-Type-Options: nosniff` keeps browsers from guessing a type other
than the one declared: a `.bib` or `.csv` export holding `<script>` written by
a corpus author stays text, never runs as HTML.
"""

from __future__ import annotations

from typing import Any

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [(b"x-content-type-options", b"nosniff")]


def with_security_headers(app: Any) -> Any:
    """An ASGI app answering as `app` does, with SECURITY_HEADERS on every HTTP response."""

    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
