"""Offline-first: the app opens from the service worker with the conversation from IndexedDB, and a
message typed offline waits visibly and is delivered exactly once when the network is back (I1)."""

from __future__ import annotations

from conftest import (
    Server,
    app_state,
    conversation_id,
    converse,
    eventually,
    go_to_new_conversation,
    open_app,
    send_message,
    wait_phase,
)


def test_offline_reload_shows_the_conversation_from_the_device(context, page, server: Server) -> None:
    open_app(page, server)
    converse(page, "Remember the word pelican")
    cid = conversation_id(page)
    reply = page.inner_text("#log li.msg.agent >> nth=-1")
    assert "words" in reply

    context.set_offline(True)
    page.reload()
    page.wait_for_function("() => window.sweSwe && window.sweSwe.state.last_seq > 0")
    assert app_state(page)["conversation_id"] == cid
    assert page.locator("#log li.msg.user .bubble").first.inner_text() == "Remember the word pelican"
    assert page.locator("#log li.msg.agent").last.inner_text() == reply
    assert page.locator("#log li.tool .tool-name").first.inner_text() == "Bash"
    assert "Done in" in page.inner_text("#log li.result")
    # the page came from the service worker's cache, and says it is offline
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => document.getElementById('conn-label').textContent === 'Offline'", timeout=15000)
    assert page.is_visible("#conn-banner")

    context.set_offline(False)
    wait_phase(page, "connected")
    page.wait_for_function("() => document.getElementById('conn-label').textContent === 'Connected'")
    page.wait_for_selector("#conn-banner", state="hidden")


def test_a_message_typed_offline_waits_then_goes_out_exactly_once(context, page, server: Server) -> None:
    open_app(page, server)
    converse(page, "first message")
    cid = conversation_id(page)

    context.set_offline(True)
    # an emulated network loss does not close the socket: the app's own ping notices
    page.wait_for_function("() => window.sweSwe.state.phase === 'offline'", timeout=15000)
    send_message(page, "typed while offline")
    pending = page.locator("#pending li.pending")
    pending.wait_for()
    assert pending.locator(".bubble").inner_text() == "typed while offline"
    assert "Waiting to send" in pending.inner_text()
    assert page.inner_text("#queue-note") == "1 message waiting to send"
    assert page.input_value("#input") == ""

    # a reload while offline: the queued message is still there, still visibly waiting
    page.reload()
    page.wait_for_function("() => window.sweSwe && window.sweSwe.state.outbox.length === 1")
    page.locator("#pending li.pending").wait_for()
    assert "Waiting to send" in page.inner_text("#pending li.pending")
    send_message(page, "second, also offline")
    page.wait_for_function("() => document.getElementById('queue-note').textContent === '2 messages waiting to send'")
    assert server.user_texts(cid) == ["first message"], "nothing may leave while offline"

    context.set_offline(False)
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 0", timeout=20000)
    page.wait_for_function("() => document.querySelectorAll('#log li.msg.user').length === 3")
    page.wait_for_function("() => document.querySelectorAll('#pending li').length === 0")
    page.wait_for_selector("#queue-note", state="hidden")
    assert server.user_texts(cid) == ["first message", "typed while offline", "second, also offline"]
    # both turns are answered, and nothing was applied twice
    page.wait_for_function("() => document.querySelectorAll('#log li.result').length === 3", timeout=30000)
    assert server.user_texts(cid).count("typed while offline") == 1


def test_a_new_conversation_started_offline_is_created_when_back_online(context, page, server: Server) -> None:
    open_app(page, server)
    context.set_offline(True)
    go_to_new_conversation(page)
    send_message(page, "start something new offline")
    page.locator("#pending li.pending").wait_for()
    assert page.inner_text("#queue-note") == "1 message waiting to send"
    before = {c["id"] for c in server.api("GET", "/api/conversations")["conversations"]}

    context.set_offline(False)
    page.wait_for_function("() => window.sweSwe.state.pending_new === false && window.sweSwe.state.outbox.length === 0", timeout=20000)
    cid = conversation_id(page)
    assert cid not in before
    assert page.url.endswith(f"#/c/{cid}")
    assert server.user_texts(cid) == ["start something new offline"]
    page.wait_for_selector("#log li.result", timeout=20000)


def test_queued_messages_of_another_conversation_go_out_through_the_service_worker(context, page, server: Server) -> None:
    """No page shows conversation A any more; its queued message is posted over HTTP by the worker."""
    open_app(page, server)
    converse(page, "conversation A")
    a = conversation_id(page)
    context.set_offline(True)
    page.wait_for_function("() => window.sweSwe.state.phase === 'offline'", timeout=15000)
    send_message(page, "queued in A")
    page.locator("#pending li.pending").wait_for()
    page.click("#new-conversation")  # conversation B: a draft, no socket
    page.wait_for_function("() => window.sweSwe.state.pending_new === true")
    assert server.user_texts(a) == ["conversation A"]

    context.set_offline(False)  # the page asks the worker to post other conversations' outboxes
    eventually(lambda: len(server.user_texts(a)) == 2, timeout=20)
    assert server.user_texts(a) == ["conversation A", "queued in A"]
    # back in A, the message is part of the conversation (once), and the outbox is empty
    page.goto(f"{server.base_url}/#/c/{a}")
    page.wait_for_function("() => window.sweSwe.state.phase === 'connected' && window.sweSwe.state.outbox.length === 0", timeout=20000)
    page.wait_for_function("() => document.querySelectorAll('#log li.msg.user').length === 2")
    assert server.user_texts(a).count("queued in A") == 1


AGE_OUTBOX = """async (ms) => {
    const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open('swe-swe');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
    });
    const tx = db.transaction('outbox', 'readwrite');
    const store = tx.objectStore('outbox');
    const all = await new Promise((resolve) => { const r = store.getAll(); r.onsuccess = () => resolve(r.result); });
    for (const e of all) store.put({...e, created_at: e.created_at - ms});
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    db.close();
    return all.length;
}"""


def test_old_queued_messages_wait_for_a_choice(context, page, server: Server) -> None:
    open_app(page, server)
    converse(page, "hello")
    cid = conversation_id(page)
    context.set_offline(True)
    page.wait_for_function("() => window.sweSwe.state.phase === 'offline'", timeout=15000)
    send_message(page, "keep me")
    send_message(page, "drop me")
    page.wait_for_function("() => document.querySelectorAll('#pending li.pending').length === 2")
    assert page.evaluate(AGE_OUTBOX, 2 * 3600 * 1000) == 2  # queued two hours ago (the limit is 1 h)
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#pending li.state-expired').length === 2")
    assert page.inner_text("#queue-note") == "2 messages not sent: queued too long"
    first = page.locator("#pending li.state-expired").first
    assert "Not sent: it waited too long in the queue." in first.inner_text()
    assert first.locator("button").all_inner_texts() == ["Send anyway", "Discard"]

    context.set_offline(False)
    page.wait_for_function("() => window.sweSwe.state.phase === 'connected'", timeout=15000)
    page.wait_for_timeout(1500)
    assert server.user_texts(cid) == ["hello"], "expired messages are never sent silently"

    page.locator("#pending li.state-expired", has_text="keep me").locator("button[data-action=send-anyway]").click()
    page.locator("#pending li.state-expired", has_text="drop me").locator("button[data-action=discard]").click()
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 0", timeout=15000)
    eventually(lambda: server.user_texts(cid) == ["hello", "keep me"])
    page.wait_for_function("() => document.querySelectorAll('#log li.msg.user').length === 2")
    page.wait_for_function("() => document.querySelectorAll('#pending li').length === 0")
    page.wait_for_selector("#queue-note", state="hidden")


def test_background_sync_posts_the_outbox_when_no_page_is_open(context, page, server: Server) -> None:
    open_app(page, server)
    converse(page, "before closing the app")
    cid = conversation_id(page)
    context.set_offline(True)
    page.wait_for_function("() => window.sweSwe.state.phase === 'offline'", timeout=15000)
    send_message(page, "sent by the service worker")
    page.locator("#pending li.pending").wait_for()
    tags = page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    assert "swe-swe-outbox" in tags
    page.close()  # nobody is looking any more
    assert server.user_texts(cid) == ["before closing the app"]

    context.set_offline(False)  # the browser fires the sync; the worker posts over HTTP
    eventually(lambda: server.user_texts(cid) == ["before closing the app", "sent by the service worker"], timeout=20)

    # opening the app again shows it delivered (once), with nothing left in the outbox
    again = context.new_page()
    again.goto(f"{server.base_url}/#/c/{cid}")
    again.wait_for_function("() => window.sweSwe && window.sweSwe.state.phase === 'connected' && window.sweSwe.state.outbox.length === 0", timeout=15000)
    again.wait_for_function("() => document.querySelectorAll('#log li.msg.user').length === 2")
    assert again.locator("#pending li").count() == 0
