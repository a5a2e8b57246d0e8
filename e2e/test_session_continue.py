"""Continuing on the phone a Claude session started in a terminal, with the real CLI against the fake API."""

from __future__ import annotations

from pathlib import Path

from claude_harness import desk_session
from conftest import converse, open_app
from support.claude_lab import claude_lab


def test_continue_a_terminal_session_on_the_phone(phone, tmp_path: Path, artifacts: Path) -> None:
    with claude_lab(tmp_path) as lab:
        desk_session(tmp_path / "work", lab.api, lab.config_dir, "Find why the payments test is flaky", age_seconds=1800)
        page = phone.new_page()
        open_app(page, lab.server)
        page.locator("#show-sessions").tap()
        row = page.locator("#session-list .session-row")
        row.first.wait_for(state="visible")
        assert row.locator(".session-title").all_text_contents() == ["Find why the payments test is flaky"]
        assert "30 min ago · 2 messages" in row.locator(".session-meta").first.text_content()
        page.screenshot(path=str(artifacts / "phone-sessions-list.png"))

        row.locator("button", has_text="Continue here").tap()
        page.locator("#log li", has_text="Find why the payments test is flaky").first.wait_for(state="visible")
        page.locator("#log", has_text="echo: Find why the payments test is flaky").wait_for(state="visible")
        converse(page, "What did I ask you before?")
        page.locator("#log", has_text="[turns=2]").wait_for(state="visible")
        assert lab.turn_requests("What did I ask you before?"), "the next message reached the agent"
        sent = lab.turn_requests("What did I ask you before?")[-1]["messages"]
        assert any("payments test is flaky" in str(m["content"]) for m in sent), "with the old turns as context"
        page.screenshot(path=str(artifacts / "phone-session-continued.png"))

        # continuing again opens the same conversation
        conversations = lab.server.api("GET", "/api/conversations")["conversations"]
        assert len(conversations) == 1
        page.locator("#open-sidebar").tap()
        page.locator("#new-conversation").tap()
        page.locator("#show-sessions").tap()
        page.locator("#session-list button", has_text="Open").tap()
        page.wait_for_function(f"() => location.hash.includes('{conversations[0]['id']}')")
        assert len(lab.server.api("GET", "/api/conversations")["conversations"]) == 1
