"""Installability: the manifest, the icons, and a service worker that controls the page."""

from __future__ import annotations

import json
import struct
import urllib.request

from conftest import Server, open_app
from support.app_files import fetched_for


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_manifest_has_what_installing_needs(server: Server) -> None:
    status, headers, body = fetch(f"{server.base_url}/manifest.webmanifest")
    assert status == 200
    assert headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(body)
    assert manifest["name"] == "swe-swe"
    assert manifest["short_name"]
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    assert manifest["background_color"].startswith("#")
    sizes = {}
    for icon in manifest["icons"]:
        status, headers, data = fetch(server.base_url + icon["src"])
        assert status == 200 and headers["content-type"] == "image/png"
        w, h = png_size(data)
        assert f"{w}x{h}" == icon["sizes"]
        sizes.setdefault(icon.get("purpose", "any"), set()).add(w)
    assert {192, 512} <= sizes["any"]
    assert 512 in sizes["maskable"]


def test_service_worker_controls_the_page_and_precaches_the_shell(page, server: Server) -> None:
    open_app(page, server)
    info = page.evaluate("""async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        const keys = await caches.keys();
        const cache = await caches.open(keys.find((k) => k.startsWith('swe-swe-shell-')));
        const cached = (await cache.keys()).map((r) => new URL(r.url).pathname);
        return {
            scope: reg.scope,
            script: navigator.serviceWorker.controller.scriptURL,
            cached,
            manifest: document.querySelector('link[rel=manifest]').href,
            standaloneQuery: typeof matchMedia('(display-mode: standalone)').matches,
        };
    }""")
    assert info["scope"] == f"{server.base_url}/"
    assert info["script"] == f"{server.base_url}/sw.js"
    assert info["manifest"] == f"{server.base_url}/manifest.webmanifest"
    for path in ("/", *fetched_for(server.base_url, "/js/app.js"), "/css/app.css", "/manifest.webmanifest", "/icons/icon-192.png"):
        assert path in info["cached"], path
    # the token never stays in the address bar
    assert "token" not in page.url


def test_without_the_link_the_app_asks_for_it(page, server: Server) -> None:
    page.goto(server.base_url + "/")
    page.wait_for_selector("#auth-screen:not([hidden])")
    assert page.inner_text("#auth-title").replace("`", "") == "Sign in to swe-swe"
    assert "Open it once in this browser" in page.inner_text("#auth-screen")
    assert page.is_visible("#auth-input")  # the link, the token or a pairing code (e2e/test_phone_sign_in.py)
    # and it does not hammer the server: the socket gives up at once
    page.wait_for_function("() => window.sweSwe.state.phase === 'idle' || window.sweSwe.state.phase === 'unauthorized'")


def test_a_new_version_is_announced_not_swapped_in_silently(page, server: Server) -> None:
    open_app(page, server)
    first = page.evaluate("() => navigator.serviceWorker.controller.scriptURL")
    # a new worker script appears (as after an upgrade of swe-swe): here the same file under a new URL,
    # which the browser installs as an update of the registration
    page.evaluate("() => navigator.serviceWorker.register('/sw.js?next=1', {scope: '/', updateViaCache: 'none'})")
    page.wait_for_selector("#update-banner:not([hidden])", timeout=15000)
    assert "Update available" in page.inner_text("#update-banner")
    # the old version keeps running until the user says so
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL") == first
    with page.expect_event("load", timeout=15000):
        page.click("#update-reload")
    page.wait_for_function("() => window.sweSwe && navigator.serviceWorker.controller")
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js?next=1")
