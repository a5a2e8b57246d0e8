"""`create_app(config)`: the Sanic application, its routes, guards and start/stop hooks."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from typing import Any
from urllib.parse import urlencode

import orjson
from sanic import Request, Sanic, Websocket
from sanic.exceptions import BadURL, MethodNotAllowed, NotFound, PayloadTooLarge, URITooLong
from sanic.response import HTTPResponse, redirect

from swe_swe import permission_modes, security
from swe_swe.agents.base import Agent
from swe_swe.agents.claude_sessions import SessionLister
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.agents.registry import AgentRegistry
from swe_swe.agents.select import choose_agent
from swe_swe.approvals import Approvals
from swe_swe.blobs import Blobs
from swe_swe.config import Config
from swe_swe.conversations import Conversations, ModeSettings
from swe_swe.errors import ErrorCode, ProtocolError
from swe_swe.http_api import api, error_response
from swe_swe.hub import Hub
from swe_swe.ids import canonical_uuid
from swe_swe.log_events import log_event
from swe_swe.loop_lag import LoopLagMonitor
from swe_swe.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from swe_swe.metrics import Metrics
from swe_swe.pairing import PairingCodes
from swe_swe.phone_api import PAIR_PATH, phone_api, request_is_secure
from swe_swe.project_files import ProjectFiles
from swe_swe.projects import Projects
from swe_swe.push_notifier import setup_push
from swe_swe.rate_limit import ClientBuckets
from swe_swe.static_files import make_blueprint
from swe_swe.store import Store
from swe_swe.turns import TurnRunner
from swe_swe.ws import CLOSE_SERVER_STOPPING, Connection

log = logging.getLogger("swe_swe")
_app_numbers = itertools.count(1)
EXPIRY_SWEEP_SECONDS = 300.0
_CODES = frozenset(code.value for code in ErrorCode)
_KNOWN_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))


class _Request(Request):
    """Sanic answers a request line whose target is not a URL (`GET ?x HTTP/1.1`) by building a
    placeholder request for its 400 from the same target, which raises again: a traceback in the log and
    a connection dropped without an answer (found by `make fuzz`). The placeholder gets `*` instead."""

    def __init__(self, url_bytes: bytes, *args: Any, **kwargs: Any) -> None:
        try:
            super().__init__(url_bytes, *args, **kwargs)
        except (BadURL, URITooLong):
            if kwargs.get("method") != "NONE":
                raise
            super().__init__(b"*", *args, **kwargs)


def create_app(config: Config, agent: Agent | None = None) -> Sanic:
    app = Sanic(f"swe_swe_{next(_app_numbers)}", configure_logging=False, request_class=_Request)
    app.config.WEBSOCKET_MAX_SIZE = config.max_frame_bytes * 4 + 65536
    app.config.REQUEST_MAX_SIZE = config.max_frame_bytes  # refused from Content-Length, before reading
    app.config.KEEP_ALIVE_TIMEOUT = 30

    security.make_private_dir(config.data_dir)
    security.create_private_file(config.db_path)
    store = Store(config.db_path)
    metrics = Metrics()
    store.db.on_storage_error = metrics.storage_errors.inc
    hub = Hub(store, metrics)
    running_agents = RunningAgents(config.data_dir)
    agent = choose_agent(config, running_agents) if agent is None else agent
    if not isinstance(agent, AgentRegistry):
        agent = AgentRegistry([agent])
    projects = Projects([config.workdir, *config.more_workdirs], config.projects_root)
    blobs = Blobs(config.data_dir)
    runner = TurnRunner(store, hub, agent, Approvals(store, hub, config.approval_timeout_seconds), projects, blobs)
    app.ctx.blobs = blobs
    app.ctx.projects = projects
    app.ctx.session_lister = SessionLister()
    app.ctx.project_files = ProjectFiles()
    app.ctx.config = config
    app.ctx.token = security.load_or_create_token(config.data_dir, config.token)
    app.ctx.allowed_hosts = security.allowed_host_names(config.host, config.allowed_hosts)
    app.ctx.store = store
    app.ctx.metrics = metrics
    app.ctx.hub = hub
    app.ctx.agent = agent
    app.ctx.runner = runner
    app.ctx.running_agents = running_agents
    modes = ModeSettings(config.permission_mode, permission_modes.allowed_modes(config))
    app.ctx.conversations = Conversations(store, hub, runner, agent, config.session_timeout_hours, modes)
    app.ctx.connections = set()
    app.ctx.loop_lag = LoopLagMonitor()
    metrics.watch_loop_lag(app.ctx.loop_lag.worst_s, app.ctx.loop_lag.p99_s)
    metrics.watch_tasks(_tasks_alive)
    app.ctx.http_buckets = ClientBuckets(config.http_rate_burst, config.http_rate_per_second)

    app.ctx.pairing = PairingCodes(config.data_dir)
    app.ctx.push = setup_push(config, hub, store, metrics)
    app.blueprint(api)
    app.blueprint(phone_api)
    app.blueprint(make_blueprint(serve_bundle=not config.pwa_sources))
    app.on_request(guard)
    app.on_response(add_security_headers)
    app.on_response(log_refusal)
    app.error_handler.add(ProtocolError, lambda request, error: error_response(error))
    app.error_handler.add(NotFound, not_found)
    app.error_handler.add(PayloadTooLarge, too_large)
    app.add_websocket_route(websocket, "/ws")
    app.add_route(serve_metrics, "/api/metrics", methods=["GET"])
    app.before_server_start(on_start)
    app.before_server_stop(on_stop)
    return app


def _tasks_alive() -> int:
    """Scraped from a route, so on the server's loop; 0 outside one."""
    try:
        return len(asyncio.all_tasks())
    except RuntimeError:
        return 0


def not_found(request: Request, error: Exception) -> HTTPResponse:
    return error_response(ProtocolError(ErrorCode.NOT_FOUND, "not found"))


def too_large(request: Request, error: Exception) -> HTTPResponse:
    limit = request.app.config.REQUEST_MAX_SIZE
    return error_response(ProtocolError(ErrorCode.TOO_LARGE, f"requests are limited to {limit} bytes"))


def _offered_token(request: Request) -> str | None:
    return (
        security.bearer_token(request.headers.get("authorization"))
        or request.args.get("token")
        or request.cookies.get(security.TOKEN_COOKIE)
    )


async def guard(request: Request) -> HTTPResponse | None:
    """Runs before every route, and before the WebSocket upgrade, so refusals are plain HTTP.

    Every check is by method and path prefix, never by route: a route added later is covered."""
    answer = _intercept(request)
    if answer is None and request.method == "HEAD" and request.route is None:
        answer = await _answer_head(request)
    return answer


async def _answer_head(request: Request) -> HTTPResponse | None:
    """Routes are declared for GET; HEAD gets the GET route's answer, whose body Sanic never sends."""
    if request.path == "/ws":
        return None
    try:
        route, handler, kwargs = request.app.router.get(request.path, "GET", request.headers.getone("host", None))
    except (NotFound, MethodNotAllowed):
        return None
    request.route = route
    return await handler(request, **kwargs)


def _intercept(request: Request) -> HTTPResponse | None:
    """The guard's own answer instead of the route's: a refusal, or the sign-in redirect."""
    ctx = request.app.ctx
    path = request.path
    has_bearer = security.bearer_token(request.headers.get("authorization")) is not None
    if not security.same_origin_write(request.method, request.headers, has_bearer):
        log.warning("refused a state-changing request from another site")
        return error_response(ProtocolError(ErrorCode.FORBIDDEN, "Requests from other sites are not allowed."))
    if path == "/api/health":
        return None
    protected = path == "/ws" or path.startswith("/api/")
    if not protected:
        return _adopt_token_from_url(request) if "token" in request.args else None
    if path.startswith("/api/") and not ctx.http_buckets.take(request.client_ip):
        response = error_response(ProtocolError(ErrorCode.RATE_LIMITED, "Too many requests; try again in a moment."))
        response.headers["Retry-After"] = "1"
        return response
    if not security.host_allowed(request.headers.get("host"), ctx.allowed_hosts):
        log.warning("refused a request for an unexpected Host")
        return error_response(ProtocolError(ErrorCode.FORBIDDEN, "This host name is not allowed."))
    if path == "/ws" and not security.origin_allowed(request.headers.get("origin"), request.headers.get("host")):
        log.warning("refused a WebSocket from a foreign Origin")
        return error_response(ProtocolError(ErrorCode.FORBIDDEN, "This origin is not allowed."))
    if path != PAIR_PATH and not security.token_matches(ctx.token, _offered_token(request)):
        return error_response(ProtocolError(ErrorCode.UNAUTHORIZED, "A valid token is required: open the link swe-swe printed."))
    if _needs_json(request) and not security.declares_json(request.headers.get("content-type")):
        return error_response(ProtocolError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Request bodies must be JSON (Content-Type: application/json)."))
    return None


def _needs_json(request: Request) -> bool:
    """A state-changing request with a body, unless its route takes raw bytes (`ctx_raw_body=True`)."""
    if request.method.upper() not in security.STATE_CHANGING_METHODS:
        return False
    if request.route is not None and getattr(request.route.ctx, "raw_body", False):
        return False
    length = request.headers.get("content-length", "0").strip()
    return bool(request.body) or not length.isdigit() or int(length) > 0


async def add_security_headers(request: Request, response: HTTPResponse) -> None:
    """Hardening headers on every answer: the page, the worker, the API, errors and redirects get all
    of them; the shell's scripts, styles and icons only those that act on a subresource."""
    headers = security.hardening_headers(request.path, response.content_type or "")
    for name, value in headers.items():
        response.headers.setdefault(name, value)


async def log_refusal(request: Request, response: HTTPResponse) -> None:
    """The structured `request_refused` event of every error answer: its status and wire code, the
    conversation it named (when that is an id), never the path or the body."""
    if response.status < 400:
        return
    code = None
    with contextlib.suppress(Exception):
        code = orjson.loads(response.body or b"{}")["error"]["code"]
    conversation_id = canonical_uuid((request.match_info or {}).get("conversation_id"))
    method = request.method if request.method in _KNOWN_METHODS else "other"
    log_event(log, "request_refused", conversation_id, status=response.status, code=code if isinstance(code, str) and code in _CODES else None, method=method)


def _adopt_token_from_url(request: Request) -> HTTPResponse:
    """`?token=` on a page: keep it in an HttpOnly cookie, then drop it from the address bar."""
    remaining = [(k, v) for k, values in request.args.items() if k != "token" for v in values]
    target = security.local_path(request.path) + (f"?{urlencode(remaining)}" if remaining else "")
    response = redirect(target, status=302)
    if security.token_matches(request.app.ctx.token, request.args.get("token")):
        security.add_token_cookie(response, request.app.ctx.token, request_is_secure(request))
    return response


async def websocket(request: Request, ws: Websocket) -> None:
    ctx = request.app.ctx
    connection = Connection(ws, ctx.config, ctx.store, ctx.hub, ctx.conversations)
    ctx.connections.add(connection)
    ctx.metrics.sockets_open.inc()
    try:
        await connection.serve()
    finally:
        ctx.connections.discard(connection)
        ctx.metrics.sockets_open.dec()


async def serve_metrics(request: Request) -> HTTPResponse:
    """Prometheus text; behind the token like the rest of /api (counts say when someone is working)."""
    return HTTPResponse(request.app.ctx.metrics.render(), content_type=METRICS_CONTENT_TYPE)


async def on_start(app: Sanic) -> None:
    app.ctx.loop_lag.start()
    runner: TurnRunner = app.ctx.runner
    app.ctx.running_agents.stop_leftovers()
    runner.mark_interrupted_runs()
    runner.resume_pending()
    app.ctx.sweeper = asyncio.get_running_loop().create_task(_sweep_expired(app))


async def _sweep_expired(app: Sanic) -> None:
    while True:
        with contextlib.suppress(Exception):
            await app.ctx.conversations.expire_inactive()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(app.ctx.blobs.sweep, app.ctx.store.referenced_blobs())
        await asyncio.sleep(EXPIRY_SWEEP_SECONDS)


async def on_stop(app: Sanic) -> None:
    app.ctx.sweeper.cancel()
    for connection in list(app.ctx.connections):
        connection.offer_close(CLOSE_SERVER_STOPPING, "server stopping")
    await app.ctx.runner.shutdown()
    if app.ctx.push.sender is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(app.ctx.push.sender.drain(), 5)
    await app.ctx.loop_lag.stop()
    app.ctx.store.close()
