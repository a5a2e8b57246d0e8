"""The first load on a phone fetches only the first screen (issue 15): the list, the composer, the
header and the connection. Markdown-it, jsdiff, the details dialog and the sign-in handling come when
first needed (pwa/js/lazy.js), and what was drawn without them is drawn again once they arrive."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from conftest import PHONE, READY, Server, free_port, open_app, send_message, wait_results
from support.app_files import fetched_for

ON_DEMAND = ("/vendor/markdown-it.js", "/vendor/diff.js", "/js/markdown.js", "/js/controller/details-dialog.js",
             "/js/ui/details.js", "/js/controller/sign-in.js")


def fresh_phone(browser: Any, playwright: Any) -> Any:
    """A phone with nothing cached and no service worker: what the page itself fetches, and nothing else."""
    device = {**playwright.devices["Pixel 7"], "viewport": PHONE, "screen": PHONE}
    device.pop("default_browser_type", None)
    return browser.new_context(**device, service_workers="block")


def test_the_first_screen_works_before_markdown_and_diffs_have_arrived(browser: Any, playwright: Any, server: Server) -> None:
    context = fresh_phone(browser, playwright)
    try:
        on_demand = fetched_for(server.base_url, *ON_DEMAND)
        markdown, diff, details = fetched_for(server.base_url, "/vendor/markdown-it.js", "/vendor/diff.js",
                                              "/js/controller/details-dialog.js")
        page = context.new_page()
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url.removeprefix(server.base_url)))
        held: list[Any] = []
        page.route(f"**{markdown}", lambda route: held.append(route))  # answered later, by the test

        page.goto(f"{server.login_url}#/new")
        page.wait_for_function(READY)
        page.wait_for_selector("#empty:not([hidden])")
        assert page.locator("#input").is_visible() and page.locator("#new-conversation").count() == 1
        page.wait_for_timeout(1000)  # the start's own requests (list, health, projects) have gone out
        first = [url for url in on_demand if url in fetched]
        assert first == [], f"the first screen fetched {first}"
        if on_demand != ON_DEMAND:  # the bundle: no module is fetched beside it
            assert [url for url in fetched if url.startswith(("/js/", "/vendor/"))] == []

        # a message goes out and its answer is shown, as plain text while the parser is on its way
        send_message(page, "Reply in **bold** please")
        wait_results(page, 1)
        assert markdown in fetched, "agent text asks for the Markdown parser"
        reply = page.locator("#log li.msg.agent").last  # "Your message has **4** words."
        assert reply.locator(".md-plain").count() == 1
        assert "**" in reply.inner_text() and reply.locator("strong").count() == 0
        assert page.locator("#log li.msg.user").count() == 1

        # once it arrives the reply is drawn again, as Markdown
        for route in held:
            route.continue_()
        page.unroute(f"**{markdown}")
        page.wait_for_selector("#log li.msg.agent strong", timeout=20000)
        assert page.locator("#log li.msg.agent .md-plain").count() == 0
        assert "**" not in reply.inner_text()
        assert diff not in fetched, "no diff was shown"

        # the details dialog comes on its first opening
        assert details not in fetched
        page.locator("#open-details").tap()
        page.wait_for_function("() => document.getElementById('details').open")
        assert details in fetched
        page.locator("#close-details").tap()
        page.wait_for_function("() => !document.getElementById('details').open")
    finally:
        context.close()


NO_PLAIN_TEXT = """(() => {
  window.__plainSeen = 0;
  new MutationObserver(() => {
    if (document.querySelector('#log .md-plain')) window.__plainSeen++;
  }).observe(document, { childList: true, subtree: true });
})();"""


def test_a_returning_visit_draws_markdown_from_its_first_frame(phone: Any, server: Server) -> None:
    """Served by its service worker, the page takes the features from the cache at start: no stand-ins."""
    page = phone.new_page()
    open_app(page, server)
    send_message(page, "Reply in **bold** please")
    wait_results(page, 1)
    page.wait_for_selector("#log li.msg.agent strong")
    page.add_init_script(NO_PLAIN_TEXT)
    phone.set_offline(True)  # from the worker's cache alone
    page.reload()
    page.wait_for_function(READY)
    page.wait_for_selector("#log li.msg.agent strong")
    assert page.evaluate("() => window.__plainSeen") == 0, "agent text was drawn as plain text first"
    phone.set_offline(False)


def test_the_sources_run_as_they_are(browser: Any, playwright: Any) -> None:
    """`--pwa-sources` (and a bundle behind its sources) sends the modules themselves: no build step."""
    with tempfile.TemporaryDirectory(prefix="swe-swe-e2e-sources-") as tmp:
        server = Server(port=free_port(), data_dir=Path(tmp), extra_args=["--pwa-sources"]).start()
        context = fresh_phone(browser, playwright)
        try:
            page = context.new_page()
            fetched: list[str] = []
            page.on("request", lambda r: fetched.append(r.url.removeprefix(server.base_url)))
            page.goto(f"{server.login_url}#/new")
            page.wait_for_function(READY)
            send_message(page, "Reply in **bold** please")
            wait_results(page, 1)
            page.wait_for_selector("#log li.msg.agent strong", timeout=20000)
            assert "/js/app.js" in fetched and "/vendor/markdown-it.js" in fetched
            assert [url for url in fetched if url.startswith("/build/")] == []
        finally:
            context.close()
            server.stop()
