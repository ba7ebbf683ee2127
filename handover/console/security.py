"""Who is asking and may they: login cookie, CSRF token, roles, WebSocket origin, headers.

- Every response: a strict Content-Security-Policy (only the app's own scripts and styles, no
  inline code, nothing from elsewhere), no-store, no referrer, no framing.
- Every POST carries a CSRF token (form field ``csrf`` or header ``X-CSRF-Token``), compared
  with secrets.compare_digest: the login's token, or before login the login form's own
  double-submit cookie.
- Cookies are HttpOnly, SameSite=Strict and Secure unless a developer runs plain http
  (``ConsoleSettings.cookie_secure``); secure ones carry the ``__Host-`` prefix.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web

from handover.console.accounts import Role
from handover.console.logins import Login
from handover.console.settings import ConsoleSettings

LOGIN: Final = web.RequestKey("login", Login)
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PATH: Final = "/login"

CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS: Final = {
    "Content-Security-Policy": CSP,
    # Nothing of a conversation may stay in the browser's cache or history of pages.
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def cookie_name(settings: ConsoleSettings, name: str) -> str:
    return f"__Host-{name}" if settings.cookie_secure else name


def login_cookie(settings: ConsoleSettings) -> str:
    return cookie_name(settings, "tc_login")


def prelogin_cookie(settings: ConsoleSettings) -> str:
    return cookie_name(settings, "tc_form")


def set_cookie(
    response: web.StreamResponse, settings: ConsoleSettings, name: str, value: str,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name, value, path="/", httponly=True, samesite="Strict",
        secure=settings.cookie_secure, max_age=max_age,
    )


def security_headers(settings: ConsoleSettings) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            response = error
            _add_headers(response, settings)
            raise
        _add_headers(response, settings)
        return response

    return middleware


def _add_headers(response: web.StreamResponse, settings: ConsoleSettings) -> None:
    if response.prepared:  # a WebSocket, already upgraded
        return
    response.headers.update(HEADERS)
    if settings.cookie_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"


def csrf_sent(request: web.Request, form_value: str | None) -> str:
    return request.headers.get("X-CSRF-Token") or form_value or ""


def tokens_match(expected: str, sent: str) -> bool:
    return bool(expected) and secrets.compare_digest(expected.encode(), sent.encode())


def current_login(request: web.Request) -> Login | None:
    return request.get(LOGIN)


def require(request: web.Request, *roles: Role) -> Login:
    """The login of this request, with one of these roles; otherwise to the login page / 403."""
    login = current_login(request)
    if login is None:
        if request.method in SAFE_METHODS and not is_websocket(request):
            raise web.HTTPSeeOther(LOGIN_PATH)
        raise web.HTTPUnauthorized(text="not logged in")
    if roles and login.role not in roles:
        raise web.HTTPForbidden(text="this page is not for your role")
    return login


def is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


def check_origin(request: web.Request, settings: ConsoleSettings) -> None:
    """Before upgrading: only the console's own pages may open its sockets (no cross-site
    WebSocket hijacking with a staff member's cookie)."""
    origin = request.headers.get("Origin", "")
    own = f"{request.scheme}://{request.host}"
    allowed = {own, settings.own_origin, *settings.console_allowed_origins}
    if origin not in allowed:
        raise web.HTTPForbidden(text="origin not allowed")


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def authentication(
    settings: ConsoleSettings, find_login: Callable[[web.Request, str], Awaitable[Login | None]]
) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Attach the login to the request; refuse a POST without the matching CSRF token."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        cookie = request.cookies.get(login_cookie(settings), "")
        login = await find_login(request, cookie) if cookie else None
        if login is not None:
            request[LOGIN] = login
        if request.method not in SAFE_METHODS:
            form = await request.post()
            field = form.get("csrf")
            sent = csrf_sent(request, field if isinstance(field, str) else None)
            if request.path == LOGIN_PATH:
                expected = request.cookies.get(prelogin_cookie(settings), "")
            elif login is None:
                if wants_json(request):
                    raise web.HTTPUnauthorized(text="not logged in")
                raise web.HTTPSeeOther(LOGIN_PATH)
            else:
                expected = login.csrf
            if not tokens_match(expected, sent):
                raise web.HTTPForbidden(text="missing or wrong CSRF token; reload the page")
        return await handler(request)

    return middleware
