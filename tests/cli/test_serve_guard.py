"""`workbench serve` refuses everyone who was not given the link: the aiohttp application in process,
asked as a hostile page or a curious colleague would ask it (no secret, a wrong one, a foreign Host,
a foreign Origin, a directory listing, someone else's name in a per-coder link). None of these
requests may start an app process, so none is needed here; tests/cli/test_serve.py runs the real one.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from workbench.tui.serve import Access, ServeConfig, allowed_hosts, make_web_app


def _config(tmp_path: Path, coders: list[str] | None = None, host: str = "127.0.0.1") -> ServeConfig:
    return ServeConfig(tmp_path, None, host, 8000, "workbench — test", Access.new(coders or []),
                       allowed_hosts(host, ["review.example.org"]))


def _drive(config: ServeConfig, body: Callable[[TestClient, ServeConfig], Awaitable[None]]) -> None:
    spawned: list[str] = []

    async def go() -> None:
        import workbench.tui.serve as serve

        async def no_session(_request: Any, _config: ServeConfig, coder: str) -> Any:  # a fake, recording
            from aiohttp import web

            spawned.append(coder)
            return web.Response(text="would start an app for " + coder)

        original, serve.run_session = serve.run_session, no_session
        try:
            async with TestClient(TestServer(make_web_app(config))) as client:
                await body(client, config)
        finally:
            serve.run_session = original

    asyncio.run(go())
    return None


def _shared(config: ServeConfig) -> str:
    assert config.access.shared is not None
    return config.access.shared


def test_without_the_secret_nothing_is_served(tmp_path: Path) -> None:
    async def body(client: TestClient, config: ServeConfig) -> None:
        for path in ("/", "/?token=", "/?token=wrong", f"/?token={_shared(config)[:-1]}",
                     "/static/wrong/js/textual.js", "/static/wrong/css/xterm.css", "/ws/wrong/amira", "/ws/wrong"):
            response = await client.get(path)
            assert response.status == 403, path
            text = await response.text()
            assert "workbench serve" in text and "<html" not in text
        ok = await client.get(f"/?token={_shared(config)}")
        assert ok.status == 200 and "textual.js" in await ok.text()
        # Not framed by another page, and the secret never leaves in a Referer header.
        assert ok.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in ok.headers["Content-Security-Policy"]
        assert ok.headers["Referrer-Policy"] == "no-referrer" and ok.headers["Cache-Control"] == "no-store"

    _drive(_config(tmp_path), body)


def test_the_page_and_its_files_come_only_with_the_secret(tmp_path: Path) -> None:
    async def body(client: TestClient, config: ServeConfig) -> None:
        page = await (await client.get(f"/?token={_shared(config)}")).text()
        files = re.findall(r"""(?:href|src|url)\(?=?["']?([^"')\s>]+)""", page)
        static = [f for f in files if f.startswith("/static/")]
        assert len(static) >= 4 and all(f.startswith(f"/static/{_shared(config)}/") for f in static), files
        assert not [f for f in files if "://" in f], "every resource is this server's"
        for f in static:
            assert (await client.get(f)).status == 200, f

    _drive(_config(tmp_path), body)


def test_no_directory_listing_and_nothing_outside_the_static_folder(tmp_path: Path) -> None:
    async def body(client: TestClient, config: ServeConfig) -> None:
        token = _shared(config)
        for path in ("/static/", "/static", f"/static/{token}/", f"/static/{token}/js/", f"/static/{token}/js",
                     f"/static/{token}/..%2f..%2fserver.py", f"/static/{token}/%2e%2e/%2e%2e/server.py",
                     f"/static/{token}/../../../../etc/passwd"):
            response = await client.get(path)
            assert response.status in (403, 404), path
            text = await response.text()
            assert "Index of" not in text and "textual.js" not in text and "import" not in text, path

    _drive(_config(tmp_path), body)


def test_a_foreign_host_is_refused_even_with_the_secret(tmp_path: Path) -> None:
    """DNS rebinding: the attacker's name resolves to 127.0.0.1, so its requests carry its Host."""
    async def body(client: TestClient, config: ServeConfig) -> None:
        token = _shared(config)
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "192.168.1.20:8000", "",
                     "[::1", "localhost:notaport", "localhost/x", "evil.example#@localhost"):
            for path in (f"/?token={token}", f"/static/{token}/js/textual.js", f"/ws/{token}/amira"):
                response = await client.get(path, headers={"Host": host})
                assert response.status == 403, (host, path)
        for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "review.example.org:8000", "LOCALHOST"):
            assert (await client.get(f"/?token={token}", headers={"Host": host})).status == 200, host

    _drive(_config(tmp_path), body)


def test_the_websocket_refuses_a_foreign_origin(tmp_path: Path) -> None:
    """A page on another site may open a WebSocket to us (browsers allow it); Origin gives it away."""
    async def body(client: TestClient, config: ServeConfig) -> None:
        url = client.make_url(f"/ws/{_shared(config)}/amira")
        here = f"http://{url.host}:{url.port}"
        async with ClientSession() as session:
            for origin in ("http://evil.example", "null", f"https://{url.host}:{url.port}",
                           f"http://{url.host}:{url.port + 1}"):
                with pytest.raises(WSServerHandshakeError) as refused:
                    await session.ws_connect(url, origin=origin)
                assert refused.value.status == 403, origin
            response = await session.get(url, headers={"Origin": here})
            assert response.status == 200 and "for amira" in await response.text()

    _drive(_config(tmp_path), body)


def test_a_per_coder_link_codes_as_that_coder_only(tmp_path: Path) -> None:
    """`serve --coder amira --coder ben`: each link's secret is its coder; there is no shared link,
    and neither a name in the path nor the other's secret turns amira into ben."""
    config = _config(tmp_path, ["amira", "ben"])
    assert config.access.shared is None
    secrets = {name: token for token, name in config.access.coders.items()}
    seen: list[str] = []

    async def body(client: TestClient, config: ServeConfig) -> None:
        for path, status in ((f"/ws/{secrets['amira']}", 200), (f"/ws/{secrets['amira']}/amira", 200),
                             (f"/ws/{secrets['amira']}/ben", 403), (f"/ws/{secrets['ben']}", 200)):
            response = await client.get(path)
            assert response.status == status, path
            if status == 200:
                seen.append((await response.text()).rsplit(" ", 1)[1])
        page = await (await client.get(f"/?token={secrets['amira']}")).text()
        assert 'FIXED = "amira"' in page

    _drive(config, body)
    assert seen == ["amira", "amira", "ben"]


def test_the_shared_link_takes_the_browsers_name_and_checks_it(tmp_path: Path) -> None:
    async def body(client: TestClient, config: ServeConfig) -> None:
        token = _shared(config)
        assert (await client.get(f"/ws/{token}/amira")).status == 200
        assert (await client.get(f"/ws/{token}/Ben%20Okafor")).status == 200
        for bad in ("", "%20amira", "a%0Ab", "x" * 65):
            assert (await client.get(f"/ws/{token}/{bad}")).status in (400, 403, 404), bad

    _drive(_config(tmp_path), body)


def test_a_page_served_beyond_loopback_follows_the_requests_host(tmp_path: Path) -> None:
    """`--host 0.0.0.0` used to point the browser at http://0.0.0.0:PORT; the page now names no
    host at all (paths, and a WebSocket URL built from the browser's own location)."""
    async def body(client: TestClient, config: ServeConfig) -> None:
        response = await client.get(f"/?token={_shared(config)}", headers={"Host": "192.168.1.20:8000"})
        page = await response.text()
        assert response.status == 200 and "0.0.0.0" not in page and "location.host" in page
        assert (await client.get(f"/?token={_shared(config)}", headers={"Host": "evil.example"})).status == 403

    _drive(_config(tmp_path, host="0.0.0.0"), body)
