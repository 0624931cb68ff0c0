"""The web server of `reader serve`: textual-serve's, with a token at the door.

Each run has one random token. The page (`/`) opens only with it in the URL, and then sets it
as an HttpOnly, SameSite=Strict cookie; the websocket that runs the app and the download route
need that cookie, and the websocket also an Origin of this very server (another site's page
cannot drive the app). Static files (the terminal's script, its fonts) stay public. The page
is our own template: nothing is fetched from another host, post links that open outside go to
a new tab without an opener, and the page's title names the library.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

COOKIE = "reader_token"
TEMPLATES = Path(__file__).parent / "templates"
FORBIDDEN = (
    "reader: this page needs the address `reader serve` printed, with its token. "
    "Start `reader serve` again for a new one."
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ReaderServer(Server):
    """Serves `command` (the app, quoted for a shell) to browsers that bring the token."""

    def __init__(self, command: str, *, host: str, port: int, title: str, token: str) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=TEMPLATES)
        self.token = token

    def initialize_logging(self) -> None:
        """Quiet: textual-serve logs each request and prints a logo; `reader serve` prints
        its address itself."""

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to print (see initialize_logging)."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        aiohttp_jinja2.get_env(app).autoescape = True  # the library's name is not markup
        app.middlewares.append(self._guard)
        return app

    def _token_in(self, value: str | None) -> bool:
        return value is not None and secrets.compare_digest(value.encode(), self.token.encode())

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/static/"):
            return await handler(request)
        from_link = request.path == "/" and self._token_in(request.query.get("token"))
        if not (from_link or self._token_in(request.cookies.get(COOKIE))):
            raise web.HTTPForbidden(text=FORBIDDEN)
        if request.path == "/ws" and request.headers.get("Origin") != _origin(request):
            raise web.HTTPForbidden(text="reader: the app is only served to its own page")
        request["nonce"] = secrets.token_urlsafe(16)  # the page's own scripts run, no other
        response = await handler(request)
        if request.path == "/":
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict", path="/")
            response.headers.update(_page_headers(request))
        return response

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page: its websocket is on the host the browser reached (never 0.0.0.0)."""
        return {
            "title": self.title,
            "font_size": _font_size(request.query.get("fontsize", "16")),
            "websocket_url": f"{_websocket_origin(request)}/ws",
            "static_url": "/static/",
            "nonce": request["nonce"],
        }


def _origin(request: web.Request) -> str:
    return f"{'https' if request.secure else 'http'}://{request.host}"


def _websocket_origin(request: web.Request) -> str:
    """The page's websocket: on the host the browser reached."""
    return f"{'wss' if request.secure else 'ws'}://{request.host}"


def _font_size(value: str) -> int:
    return int(value) if value.isdigit() and 6 <= int(value) <= 64 else 16


def _page_headers(request: web.Request) -> dict[str, str]:
    """Only this server's own scripts run, nothing is fetched elsewhere, the page is not framed
    and the address with its token is never sent on as a referrer."""
    nonce = request["nonce"]
    policy = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"connect-src 'self' {_websocket_origin(request)}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
