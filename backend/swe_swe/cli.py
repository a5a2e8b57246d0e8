"""The `swe-swe` command: options (each also read from `SWE_SWE_<OPTION>`), then serve."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from swe_swe import __version__
from swe_swe.config import Config
from swe_swe.log_events import LOG_FORMATS
from swe_swe.log_events import configure as configure_logging

PERMISSION_MODES = ("default", "acceptEdits", "auto", "bypassPermissions", "dontAsk", "plan")


def _env(env: Mapping[str, str], option: str, default: str) -> str:
    return env.get("SWE_SWE_" + option.upper().replace("-", "_"), default)


def _env_path(env: Mapping[str, str], option: str) -> Path | None:
    value = _env(env, option, "")
    return Path(value) if value else None


def workdirs_from_args(args: argparse.Namespace, env: Mapping[str, str]) -> list[Path]:
    """`--workdir` as given; else `SWE_SWE_WORKDIR` (several joined by the path separator); else the
    current folder, unless a projects root supplies the projects."""
    given: list[Path] = list(args.workdir or [])
    if not given:
        given = [Path(p) for p in _env(env, "workdir", "").split(os.pathsep) if p]
    if not given and args.projects_root is None:
        given = [Path(os.getcwd())]
    return [p.expanduser().resolve() for p in given]


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    defaults = Config()
    p = argparse.ArgumentParser(
        prog="swe-swe",
        description="Drive a coding agent CLI from a phone or a browser, and never lose the conversation.",
        epilog="Every option can also be set as an environment variable SWE_SWE_<OPTION>, e.g. SWE_SWE_PORT=8000.",
    )
    p.add_argument("--version", action="version", version=f"swe-swe {__version__}")
    p.add_argument("--host", default=_env(env, "host", defaults.host), help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=int(_env(env, "port", str(defaults.port))))
    p.add_argument("--agent", choices=("auto", "claude", "codex", "demo"), default=_env(env, "agent", defaults.agent),
                   help="the agent of new conversations: auto = claude when found, else codex, else the built-in demo agent "
                        "(every installed agent can be picked per conversation)")
    p.add_argument("--claude-bin", default=_env(env, "claude-bin", defaults.claude_bin), help="the claude executable")
    p.add_argument("--codex-bin", default=_env(env, "codex-bin", defaults.codex_bin), help="the codex executable")
    p.add_argument("--workdir", type=Path, action="append", default=None,
                   help="a project: a folder the agent may work in (repeatable; the first is the default; "
                        "default: the current folder unless --projects-root is given)")
    p.add_argument("--projects-root", type=Path, default=_env_path(env, "projects-root"),
                   help="a folder whose git repositories (directly under it) are projects too")
    p.add_argument("--data-dir", type=Path, default=Path(_env(env, "data-dir", str(defaults.data_dir))),
                   help="where the database, the token and the transcript vault live")
    p.add_argument("--token", default=_env(env, "token", ""), help="access token (default: generated once, kept in the data dir)")
    p.add_argument("--ping-interval", type=float, default=float(_env(env, "ping-interval", str(defaults.ping_interval))),
                   help="seconds between keep-alive pings; a socket silent for two intervals is closed")
    p.add_argument("--session-timeout", type=float, default=float(_env(env, "session-timeout", str(defaults.session_timeout_hours))),
                   help="hours of inactivity after which a conversation's agent process is released")
    p.add_argument("--permission-mode", choices=PERMISSION_MODES, default=_env(env, "permission-mode", defaults.permission_mode),
                   help="the mode new conversations start in (each can be changed from the app)")
    p.add_argument("--allow-bypass", action="store_true", default=_env(env, "allow-bypass", "") in ("1", "true", "yes"),
                   help="let the app switch a conversation to bypassPermissions (every tool runs unasked; never offered as root)")
    p.add_argument("--approval-timeout", type=float, default=float(_env(env, "approval-timeout", "0")),
                   help="seconds after which an unanswered tool approval is denied, telling the agent why (default 0: wait as long as the user needs)")
    p.add_argument("--agent-idle", type=float, default=float(_env(env, "agent-idle", str(defaults.agent_idle_seconds))),
                   help="seconds an agent process may sit idle before it is closed (the next turn resumes it)")
    p.add_argument("--max-frame-bytes", type=int, default=int(_env(env, "max-frame-bytes", str(defaults.max_frame_bytes))))
    p.add_argument("--http-rate-burst", type=int, default=int(_env(env, "http-rate-burst", str(defaults.http_rate_burst))),
                   help="API requests one client address may make at once")
    p.add_argument("--http-rate-per-second", type=float,
                   default=float(_env(env, "http-rate-per-second", str(defaults.http_rate_per_second))),
                   help="API requests per second one client address may make, sustained")
    p.add_argument("--allowed-host", action="append", default=[h for h in _env(env, "allowed-hosts", "").split(",") if h],
                   help="an extra host name browsers may use to reach this server (repeatable)")
    p.add_argument("--tls-cert", type=Path, default=_optional_path(_env(env, "tls-cert", "")),
                   help="a certificate (PEM, with its chain) to serve HTTPS and WSS; needs --tls-key")
    p.add_argument("--tls-key", type=Path, default=_optional_path(_env(env, "tls-key", "")),
                   help="the certificate's private key (PEM)")
    p.add_argument("--qr", action=argparse.BooleanOptionalAction, default=_optional_flag(_env(env, "qr", "")),
                   help="print a QR code of the sign-in link under the start line (default: when stdout is a terminal)")
    p.add_argument("--push-contact", default=_env(env, "push-contact", ""),
                   help="turns Web Push on: a real mailto: address or https: URL the push services may reach you at "
                        "(Apple refuses placeholders such as mailto:x@localhost)")
    p.add_argument("--pwa-sources", action="store_true", default=_env(env, "pwa-sources", "") in ("1", "true", "yes"),
                   help="send the app's source modules, not its bundle (pwa/build/, sent while it matches them), "
                        "for working on the app")
    p.add_argument("--log-level", default=_env(env, "log-level", "warning"))
    p.add_argument("--log-format", choices=LOG_FORMATS, default=_env(env, "log-format", "text"),
                   help="json: one JSON object per line, with named events (recoveries, refused frames and requests)")
    return p


def _optional_path(value: str) -> Path | None:
    return Path(value) if value else None


def _optional_flag(value: str) -> bool | None:
    if not value:
        return None
    return value.lower() in ("1", "true", "yes")


def config_from_args(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> Config:
    workdirs = workdirs_from_args(args, os.environ if env is None else env)
    root = args.projects_root.expanduser().resolve() if args.projects_root is not None else None
    if not workdirs and root is not None:
        from swe_swe.projects import repositories_under

        workdirs = repositories_under(root)[:1]  # the first repository is the default project
    return Config(
        host=args.host,
        port=args.port,
        agent=args.agent,
        claude_bin=args.claude_bin,
        codex_bin=args.codex_bin,
        workdir=workdirs[0] if workdirs else Path(os.getcwd()).resolve(),
        more_workdirs=tuple(workdirs[1:]),
        projects_root=root,
        data_dir=args.data_dir.expanduser().resolve(),
        token=args.token,
        ping_interval=args.ping_interval,
        session_timeout_hours=args.session_timeout,
        permission_mode=args.permission_mode,
        allow_bypass=args.allow_bypass,
        approval_timeout_seconds=max(0.0, args.approval_timeout),
        max_frame_bytes=args.max_frame_bytes,
        http_rate_burst=args.http_rate_burst,
        http_rate_per_second=args.http_rate_per_second,
        agent_idle_seconds=args.agent_idle,
        allowed_hosts=tuple(args.allowed_host),
        demo_delay=float(os.environ.get("SWE_SWE_DEMO_DELAY", "1")),
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        push_contact=args.push_contact.strip(),
        pwa_sources=args.pwa_sources,
    )


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["pair"]:
        from swe_swe.pairing import pair_command

        return pair_command(argv[1:], os.environ)
    args = build_parser(os.environ).parse_args(argv)
    configure_logging(args.log_level, args.log_format)
    config = config_from_args(args)
    if args.ping_interval <= 0 or args.port < 0:
        print("swe-swe: --ping-interval must be > 0 and --port ≥ 0", file=sys.stderr)
        return 2
    if not all(path.is_dir() for path in (config.workdir, *config.more_workdirs)):
        print("swe-swe: every --workdir must be an existing directory", file=sys.stderr)
        return 2
    if config.projects_root is not None and not config.projects_root.is_dir():
        print("swe-swe: --projects-root must be an existing directory", file=sys.stderr)
        return 2

    from swe_swe.agents.select import AgentNotFound
    from swe_swe.app import create_app
    from swe_swe.errors import UnsafeDataDir
    from swe_swe.push_contact import PushContactError
    from swe_swe.tls import TlsError, server_context, tls_files

    try:
        files = tls_files(args.tls_cert, args.tls_key)
        ssl_context = server_context(files) if files else None
        app = create_app(config)
    except (AgentNotFound, UnsafeDataDir, TlsError, PushContactError) as error:
        print(f"swe-swe: {error}", file=sys.stderr)
        return 2

    try:
        listener = listen(config.host, config.port)
    except OSError as error:
        print(f"swe-swe: cannot listen on {config.host}:{config.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    port = listener.getsockname()[1]

    show_qr = wants_qr(args.qr, sys.stdout.isatty())

    @app.after_server_start
    async def announce(app_: object) -> None:
        url = f"{config.scheme}://{_url_host(config.host)}:{port}/?token={app.ctx.token}"
        print(start_text(f"swe-swe {__version__} ({app.ctx.agent.name} agent) is ready: open {url}", url, show_qr), flush=True)

    app.run(sock=listener, single_process=True, access_log=False, motd=False, ssl=ssl_context)
    return 0


def wants_qr(flag: bool | None, is_tty: bool) -> bool:
    """`--qr`/`--no-qr` when given; else a QR code only for a person at a terminal, not in a log."""
    return flag if flag is not None else is_tty


def start_text(line: str, url: str, show_qr: bool) -> str:
    """The start line, and under it a QR code of the sign-in link for a phone's camera: the installed
    app on iOS shares no cookies with Safari, so a link opened by the camera is the easy way in."""
    if not show_qr:
        return line
    from swe_swe.qr import terminal_qr

    return f"{line}\n{terminal_qr(url)}Scan it with the phone's camera, or run `swe-swe pair` for a code to type in the app."


def listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound here rather than by Sanic because Sanic makes it
    inheritable and uvloop does not close inherited descriptors when it starts a process: every agent,
    and every tool an agent leaves running, would hold the port. After a crash they kept it, so the
    server could not start again; and any of them could accept the server's connections."""
    from sanic.server.socket import bind_socket

    listener = bind_socket(host, port)
    listener.set_inheritable(False)
    return listener
