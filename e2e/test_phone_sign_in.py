"""Signing in inside the app without the printed link opened there (issue 12): the sign-in screen
takes the link or the token pasted, or a pairing code from `swe-swe pair` (run against the test
server's data dir, as a person would beside the running server); a wrong code gets a plain message.
And airplane mode shows "Offline" within a second, from the browser's `offline` event.
Screenshots of the sign-in screen (phone and desktop) go to e2e/artifacts/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import READY, REPO, Server, go_to_new_conversation, open_app, send_message, wait_phase, wait_results

AUTH = "#auth-screen:not([hidden])"


def pair(server: Server) -> str:
    """`swe-swe pair --data-dir …`, as printed: the code as shown (with its dash)."""
    out = subprocess.run(
        [sys.executable, "-m", "swe_swe", "pair", "--data-dir", str(server.data_dir)],
        env={**os.environ, "PYTHONPATH": str(REPO / "backend")}, capture_output=True, text=True, timeout=30, check=True,
    ).stdout
    match = re.search(r"Pairing code: (\S+)", out)
    assert match, out
    return match.group(1)


def sign_in_with(page: Any, text: str) -> None:
    page.fill("#auth-input", text)
    page.locator("#auth-submit").click()


def signed_in(page: Any) -> None:
    """The sign-in screen has gone and the app works: a message makes a turn."""
    page.wait_for_selector("#auth-screen", state="hidden")
    go_to_new_conversation(page)
    send_message(page, "hello after signing in")
    wait_results(page, 1)


def test_the_sign_in_screen_on_a_phone_and_a_desktop(phone: Any, page: Any, server: Server, artifacts: Path) -> None:
    small = phone.new_page()
    small.goto(server.base_url + "/")
    small.wait_for_selector(AUTH)
    assert small.locator("#auth-input").is_visible() and small.locator("#auth-submit").is_visible()
    assert small.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    for selector in ("#auth-input", "#auth-submit", "#auth-retry"):
        box = small.locator(selector).bounding_box()
        assert box and box["height"] >= 44, (selector, box)
    small.screenshot(path=str(artifacts / "phone-sign-in.png"))
    sign_in_with(small, "K7M3Q-X9PAB")  # a code of the right form, never issued
    small.wait_for_selector("#auth-error:not([hidden])")
    colour = "(sel) => getComputedStyle(document.querySelector(sel)).color"
    assert small.evaluate(colour, "#auth-error") != small.evaluate(colour, "#auth-help"), "an error must not look like help"
    small.screenshot(path=str(artifacts / "phone-sign-in-wrong-code.png"))

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.base_url + "/")
    page.wait_for_selector(AUTH)
    page.screenshot(path=str(artifacts / "desktop-sign-in.png"))


def test_a_pairing_code_signs_in_once(phone: Any, browser: Any, server: Server) -> None:
    code = pair(server)
    page = phone.new_page()
    page.goto(server.base_url + "/")
    page.wait_for_selector(AUTH)
    sign_in_with(page, code.lower().replace("-", " "))  # as typed on a phone: any case, a space
    signed_in(page)
    cookies = {c["name"]: c for c in phone.cookies()}
    assert any(c["httpOnly"] for c in cookies.values()), cookies

    # the same code a second time, in another browser: refused, with a plain message
    other = browser.new_context(service_workers="allow")
    try:
        again = other.new_page()
        again.goto(server.base_url + "/")
        again.wait_for_selector(AUTH)
        sign_in_with(again, code)
        again.wait_for_selector("#auth-error:not([hidden])")
        assert again.inner_text("#auth-error") == "That code is wrong, used or expired. Run swe-swe pair for a new one."
        assert again.locator(AUTH).is_visible()
    finally:
        other.close()


def test_a_wrong_code_and_nonsense_get_plain_messages(page: Any, server: Server) -> None:
    pair(server)  # a fresh count of wrong guesses, whatever ran before
    page.goto(server.base_url + "/")
    page.wait_for_selector(AUTH)
    sign_in_with(page, "")
    page.wait_for_selector("#auth-error:not([hidden])")
    assert page.inner_text("#auth-error") == "Type the pairing code, or paste the link or the token."
    sign_in_with(page, "hello?")
    page.wait_for_function("() => document.getElementById('auth-error').textContent.startsWith('That is not')")
    sign_in_with(page, "ABCD-EFGH-JK")
    page.wait_for_function("() => document.getElementById('auth-error').textContent.startsWith('That code is wrong')")
    assert page.locator(AUTH).is_visible()


@pytest.mark.parametrize("how", ["link", "token"])
def test_the_link_or_the_token_pasted_signs_in(how: str, page: Any, server: Server) -> None:
    page.goto(server.base_url + "/")
    page.wait_for_selector(AUTH)
    with page.expect_navigation():  # through the server's ?token= redirect, which sets the cookie
        sign_in_with(page, server.login_url if how == "link" else server.token)
    page.wait_for_function(READY)
    signed_in(page)
    assert "token" not in page.url


def test_airplane_mode_shows_offline_within_a_second(phone: Any, server: Server) -> None:
    page = phone.new_page()
    open_app(page, server)
    send_message(page, "hello")
    wait_results(page, 1)
    wait_phase(page, "connected")
    assert page.inner_text("#conn-label") != "Offline"
    started = time.monotonic()
    phone.set_offline(True)
    page.wait_for_function("() => document.getElementById('conn-label').textContent === 'Offline'", timeout=1000)
    assert time.monotonic() - started < 1.0
    phone.set_offline(False)
    page.wait_for_function("() => document.getElementById('conn-label').textContent !== 'Offline'", timeout=15000)
