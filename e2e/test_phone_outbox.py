"""An approval answered on an offline phone is delivered with no page open (issue 11's outbox, issue
12's "Background Sync where the browser has it"): the answer waits in IndexedDB, the page is closed,
the network comes back and the service worker's `sync` handler posts it over HTTP.

Headless Chromium does not fire Background Sync on its own when the emulated network returns, so the
test fires the registered tag with the DevTools protocol (`ServiceWorker.dispatchSyncEvent`), from a
blank page of the same browser: what the browser does when it sees the network again."""

from __future__ import annotations

from typing import Any

from conftest import Server, conversation_id, eventually, open_app, send_message, wait_for, wait_phase

CARD = "#approval-dock .approval-card"


def test_an_answer_tapped_offline_is_posted_by_the_service_worker_with_no_page_open(context: Any, server: Server) -> None:
    page = context.new_page()
    open_app(page, server)
    send_message(page, "Please approve a command")
    page.wait_for_selector(CARD)
    cid = conversation_id(page)
    context.set_offline(True)
    wait_phase(page, "offline")
    page.locator(CARD).get_by_role("button", name="Allow", exact=True).click()
    page.wait_for_selector(f"{CARD} .approval-answered.state-queued")
    page.wait_for_function("""async () => {
        const tags = await (await navigator.serviceWorker.ready).sync.getTags();
        return tags.includes('swe-swe-outbox');
    }""")  # the page asked for a background sync when the answer could not go
    page.close()
    assert [e for e in server.events(cid) if e["kind"] == "approval_resolved"] == []

    blank = context.new_page()  # not the app: no window of its origin is open
    cdp = context.new_cdp_session(blank)
    registrations: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda p: registrations.extend(p["registrations"]))
    cdp.send("ServiceWorker.enable")
    [reg] = wait_for(blank, lambda: [r for r in registrations if r["scopeURL"] == server.base_url + "/" and not r.get("isDeleted")])
    context.set_offline(False)
    cdp.send("ServiceWorker.dispatchSyncEvent", {"origin": server.base_url + "/", "registrationId": reg["registrationId"], "tag": "swe-swe-outbox", "lastChance": False})
    resolved = eventually(lambda: [e for e in server.events(cid) if e["kind"] == "approval_resolved"], timeout=20)
    assert len(resolved) == 1 and resolved[0]["data"]["decision"] == "allow"
    eventually(lambda: any(e["kind"] == "agent" and e["data"].get("type") == "user" for e in server.events(cid)))
