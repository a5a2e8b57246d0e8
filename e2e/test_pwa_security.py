"""The page works under the server's Content-Security-Policy, and its own writes pass the
cross-site guard, while a page on another origin is refused (issue 13)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import Server, conversation_id, converse, open_app
from server_process import free_port

WATCH_CSP = """() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
}"""


def test_the_app_runs_under_its_content_security_policy(page: Any, server: Server) -> None:
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if msg.type in ("error", "warning") else None)
    page.add_init_script(f"({WATCH_CSP})()")
    open_app(page, server)
    converse(page, "hello under a strict policy")
    page.click("#open-details")
    page.wait_for_selector("#details[open]")
    page.keyboard.press("Escape")
    assert page.evaluate("() => window.__cspViolations") == []
    assert not [line for line in console if "Content Security Policy" in line or "Permissions-Policy" in line], console


def test_the_pages_own_writes_pass_the_guard(page: Any, server: Server) -> None:
    """The page's fetches send Origin and Content-Type: application/json, which the guard asks for."""
    open_app(page, server)
    converse(page, "to be deleted")
    cid = conversation_id(page)
    result = page.evaluate(
        """async (id) => {
            const api = await import('/js/api.js');
            const message = await api.call(`/api/conversations/${id}/messages`, {
                method: 'POST', body: JSON.stringify({client_msg_id: crypto.randomUUID(), text: 'over http'})});
            const deleted = await api.deleteConversation(id);
            return {message: message.ok, deleted: deleted.ok};
        }""",
        cid,
    )
    assert result == {"message": True, "deleted": True}


class AttackerPage(http.server.BaseHTTPRequestHandler):
    """Any page on another port of this host (a dev server, a local tool's page)."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<!doctype html><p>nothing to see</p>")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def attacker() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), AttackerPage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    thread.join()


def test_a_page_on_another_port_cannot_post_with_the_cookie(page: Any, server: Server, attacker: str) -> None:
    """The attack of issue 13: another port of the same host is the same site, so even a
    SameSite=Strict cookie rides along on a `text/plain` POST, which needs no CORS preflight."""
    open_app(page, server)
    converse(page, "only mine")
    cid = conversation_id(page)
    page.goto(attacker)
    answer = page.evaluate(
        """async ([base, id]) => {
            try {
                const r = await fetch(`${base}/api/conversations/${id}/messages`, {
                    credentials: 'include', mode: 'no-cors', method: 'POST', headers: {'Content-Type': 'text/plain'},
                    body: JSON.stringify({client_msg_id: crypto.randomUUID(), text: 'forged'})});
                return r.type;
            } catch (e) {
                return 'blocked';  // the answer's Cross-Origin-Resource-Policy: the request still went out
            }
        }""",
        [server.base_url, cid],
    )
    assert answer in ("opaque", "blocked")
    page.wait_for_timeout(300)
    assert server.user_texts(cid) == ["only mine"]
