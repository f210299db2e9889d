"""`workbench serve`: the same app in a browser, guarded the way a notebook server is.

Each WebSocket starts its own `workbench … open` process on the project (textual-serve's
AppService), so a colleague who will not open a terminal gets exactly the terminal app. What
stands between a web page and that process, and why:

- **A secret per launch, in the printed link.** The page, its scripts and the WebSocket all answer
  403 without it; a page from another site cannot guess it, so it cannot connect, read the screen
  or type into it. With `--coder NAME` every colleague gets a link of their own whose secret *is*
  the identity (editing a name in the link gets nowhere); without, one link asks in each browser.
- **The Host header is checked** against an allow-list (the bound host, loopback names, the names
  given): a DNS-rebinding page, whose requests carry its own name, is refused.
- **The WebSocket checks Origin**: a browser always sends it, and it must be this server.
- **No directory listings**; the static files are served by path under the secret, nothing else.
- **Who is coding** comes from the browser session (remembered in that browser's localStorage,
  passed in the WebSocket's path) or from the per-coder link, and reaches only that session's
  process as `--coder NAME`. Nothing is saved on the server for everyone.

We ship our own page template: textual-serve's loads a web font from the internet, and nothing
may leave the machine.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import os
import secrets
import shlex
import socket
import ssl
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

TEMPLATES = Path(__file__).parent / "templates"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_NAME = 64


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def valid_coder(name: str) -> bool:
    """A name a browser may claim: printable, not blank, not long (it becomes a command argument)."""
    return 0 < len(name) <= MAX_NAME and name.isprintable() and name.strip() == name


def script_json(value: str | None) -> str:
    """JSON safe inside a <script> element (a name given with --coder could hold `</script>`)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass
class Access:
    """The secrets of one launch: `shared` asks who is coding (None when every coder has a link of
    their own); `coders` maps each per-coder secret to its name."""

    shared: str | None
    coders: dict[str, str] = field(default_factory=dict)

    @classmethod
    def new(cls, names: list[str]) -> Access:
        coders = {secrets.token_urlsafe(24): name for name in dict.fromkeys(names)}
        return cls(None if coders else secrets.token_urlsafe(24), coders)

    def check(self, token: str) -> tuple[bool, str | None]:
        """(valid, the coder this secret stands for — None for the shared secret). Constant-time."""
        ok, coder = False, None
        if self.shared is not None and hmac.compare_digest(token.encode(), self.shared.encode()):
            ok = True
        for secret, name in self.coders.items():
            if hmac.compare_digest(token.encode(), secret.encode()):
                ok, coder = True, name
        return ok, coder


@dataclass
class ServeConfig:
    project_dir: Path
    db: str | None
    host: str
    port: int
    title: str
    access: Access
    allowed_hosts: set[str]
    tls: ssl.SSLContext | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    def links(self) -> list[tuple[str | None, str]]:
        """(coder or None, URL) to print: loopback for a loopback server, else this machine's name."""
        host = self.host if is_loopback(self.host) or self.host not in ("0.0.0.0", "::") else socket.gethostname()
        netloc = f"[{host}]" if ":" in host else host
        base = f"{self.scheme}://{netloc}:{self.port}/?token="
        if self.access.shared is not None:
            return [(None, base + self.access.shared)]
        return [(name, base + secret) for secret, name in self.access.coders.items()]

    def command(self, coder: str) -> str:
        """The shell command one browser session runs; the coder is that session's alone."""
        args = [sys.executable, "-m", "workbench", "-p", str(self.project_dir.resolve()), "--coder", coder, "open"]
        return shlex.join(args)


def allowed_hosts(host: str, extra: list[str]) -> set[str]:
    names = {host.lower().strip("[]"), *LOOPBACK_NAMES, *(h.lower().strip("[]") for h in extra)}
    if not is_loopback(host):
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return names


def host_allowed(config: ServeConfig, header: str) -> bool:
    """The Host header's name is on the list. An IP literal is allowed on a server that listens
    beyond loopback: a DNS-rebinding page can only send its own name, never our address."""
    name = _host_port(header, 0)[0]
    if not name:
        return False
    if name in config.allowed_hosts:
        return True
    if is_loopback(config.host):
        return False
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def origin_allowed(request: Any, config: ServeConfig) -> bool:
    """A browser's WebSocket always carries Origin; it must be this very server (scheme and host).
    Non-browser clients send none, and still need the secret."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    scheme, _, rest = origin.partition("://")
    default = 443 if config.scheme == "https" else 80
    return scheme == config.scheme and _host_port(rest, default) == _host_port(request.host, default) != ("", 0)


def _host_port(netloc: str, default_port: int) -> tuple[str, int]:
    """("name", port) of a Host header or an origin's netloc; ("", 0) when it is malformed."""
    try:
        parts = urlsplit("//" + netloc)
        return (parts.hostname or "", parts.port or default_port) if netloc and not parts.path else ("", 0)
    except ValueError:
        return "", 0


def make_web_app(config: ServeConfig) -> Any:
    """The aiohttp application (tests drive it in process, `serve_app` runs it)."""
    import jinja2
    import textual_serve
    from aiohttp import web

    statics = (Path(textual_serve.__path__[0]) / "static").resolve()
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    refuse = "workbench: open the link that `workbench serve` printed (it carries this session's key)\n"

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if not host_allowed(config, request.headers.get("Host", "")):
            return web.Response(status=403, text="workbench: this server does not answer to that host name\n")
        response = await handler(request)
        if response.prepared:  # a WebSocket, finished
            return response
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    async def index(request: web.Request) -> web.StreamResponse:
        token = request.query.get("token", "")
        ok, coder = config.access.check(token)
        if not ok:
            return web.Response(status=403, text=refuse)
        page = templates.get_template("app_index.html").render(
            title=config.title, static=f"/static/{quote(token, safe='')}/", token_json=script_json(token),
            coder_json=script_json(coder), font_size=16)
        return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def static(request: web.Request) -> web.StreamResponse:
        if not config.access.check(request.match_info["token"])[0]:
            return web.Response(status=403, text=refuse)
        path = (statics / request.match_info["path"]).resolve()
        if not path.is_relative_to(statics) or not path.is_file():  # no listings, nothing outside
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    async def websocket(request: web.Request) -> web.StreamResponse:
        ok, coder = config.access.check(request.match_info["token"])
        asked = request.match_info.get("coder")
        if not ok or not origin_allowed(request, config):
            return web.Response(status=403, text=refuse)
        if coder is None:  # the shared link: the browser says who is coding
            coder = asked
        elif asked not in (None, coder):  # a per-coder link names its coder; no one else
            return web.Response(status=403, text=refuse)
        if not coder or not valid_coder(coder):
            return web.Response(status=400, text="workbench: who is coding? a name of 1–64 printable characters\n")
        return await run_session(request, config, coder)

    app = web.Application(middlewares=[guard])
    app.add_routes([web.get("/", index), web.get("/static/{token}/{path:.+}", static),
                    web.get("/ws/{token}", websocket), web.get("/ws/{token}/{coder}", websocket)])
    return app


async def run_session(request: Any, config: ServeConfig, coder: str) -> Any:
    """One browser session: its own app process, coding as `coder`; keys in, screen out."""
    from aiohttp import WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.download_manager import DownloadManager

    class Session(AppService):
        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            env = super()._build_environment(width, height)
            env.pop("WORKBENCH_CODER", None)  # the server's own never leaks into a session
            if config.db:
                env["WORKBENCH_DB"] = config.db  # not on the command line, where `ps` shows passwords
            return env

    def size(key: str, default: int) -> int:
        try:
            return max(10, min(1000, int(request.query.get(key, default))))
        except ValueError:
            return default

    ws = web.WebSocketResponse(heartbeat=15)
    await ws.prepare(request)
    async def close() -> None:
        await ws.close()

    service = Session(config.command(coder), write_bytes=ws.send_bytes, write_str=ws.send_str, close=close,
                      download_manager=DownloadManager())
    await service.start(size("width", 80), size("height", 24))
    try:
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = json.loads(message.data)
            except ValueError:
                continue
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(int(data.get("width", 80)), int(data.get("height", 24)))
            elif kind == "ping":
                await ws.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()
    except asyncio.CancelledError:
        pass
    finally:
        await service.stop()
    return ws


def tls_context(certfile: Path, keyfile: Path) -> ssl.SSLContext:
    from workbench.core.errors import UserError

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(str(certfile), str(keyfile))
    except (OSError, ssl.SSLError) as e:
        raise UserError(f"cannot use this certificate and key: {e}", str(certfile)) from None
    return context


def serve_app(ctx: Any, host: str, port: int, coders: list[str], allow_hosts: list[str],
              certfile: Path | None, keyfile: Path | None, insecure: bool) -> None:
    """Check the options, print the links, serve until Ctrl+C."""
    import click
    from sqlalchemy import make_url

    from workbench.core.errors import UserError

    if not 0 < port < 65536:
        raise UserError(f"--port must be between 1 and 65535, not {port}")
    for name in coders:
        if not valid_coder(name):
            raise UserError(f"'{name}' cannot be a coder name here: 1–64 printable characters")
    if (certfile is None) != (keyfile is None):
        raise UserError("give both --certfile and --keyfile (the certificate and its private key)")
    if not is_loopback(host) and certfile is None and not insecure:
        raise UserError(f"--host {host} lets other machines connect: give --certfile and --keyfile so the "
                        "link's key and the excerpts travel encrypted, or --insecure to send them in the clear")
    server = ctx.server_url()
    label = (make_url(server).database or "") if server else ctx.project_dir.resolve().name
    config = ServeConfig(ctx.project_dir, ctx.db, host, port, f"workbench — {label}",
                         Access.new(coders), allowed_hosts(host, allow_hosts),
                         tls_context(certfile, keyfile) if certfile and keyfile else None)
    if not is_loopback(host):
        click.echo(f"workbench: warning: listening on {host}: anyone on your network with a link can open the "
                   "app" + ("" if config.tls else ", and nothing is encrypted (--insecure)"), err=True)
    reach = "only this machine can connect" if is_loopback(host) else f"listening on {host}"
    lines = [f"workbench: serving {label} — {reach}. Ctrl+C stops. Open:"]
    lines += [f"  {name + ': ' if name else ''}{url}" for name, url in config.links()]

    os.environ.pop("WORKBENCH_CODER", None)
    asyncio.run(_run(make_web_app(config), config, "\n".join(lines)))


async def _run(app: Any, config: ServeConfig, announcement: str) -> None:
    """Listen, then print the links (so a link printed is a link that answers), until a signal."""
    import signal

    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, config.host, config.port, ssl_context=config.tls).start()
        except OSError as e:
            from workbench.core.errors import UserError

            raise UserError(f"cannot listen on {config.host} port {config.port}: {e.strerror or e}; "
                            "try another --port") from None
        print(announcement, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()  # closes every session, which ends its app process
