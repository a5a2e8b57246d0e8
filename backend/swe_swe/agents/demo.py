"""The `demo` adapter (the counterpart of claude.py): runs the demo CLI (demo_cli.py) as a process, driven exactly like `claude`."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

from swe_swe.agents.base import Agent, ConversationRef, Turn, TurnResult, TurnSink
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.agents.stream_json import StreamJsonPool, turn_content


class DemoAgent(Agent):
    name = "demo"
    title = "Demo"

    def __init__(self, workdir: Path, idle_seconds: float, stop_grace: float, running: RunningAgents, delay: float = 1.0) -> None:
        self.workdir = workdir
        self.delay = delay
        self.pool = StreamJsonPool(idle_seconds, stop_grace, running)

    def _argv(self, conversation: ConversationRef) -> tuple[list[str], str, bool]:
        base = [sys.executable, "-m", "swe_swe.agents.demo_cli", f"--permission-mode={conversation.permission_mode}"]
        if conversation.agent_session_id:
            return [*base, "--resume", conversation.agent_session_id], conversation.agent_session_id, True
        session_id = str(uuid.uuid4())
        return [*base, "--session-id", session_id], session_id, False

    async def run_turn(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> TurnResult:
        live = self.pool.get(conversation.id)
        resumed = True
        if live is None:
            argv, session_id, resumed = self._argv(conversation)
            env = {**os.environ, "SWE_SWE_DEMO_DELAY": str(self.delay)}
            live = await self.pool.spawn(conversation.id, argv, conversation.workdir or self.workdir, env, session_id)
            sink.process_started(live.process.pid)
            if not resumed:
                sink.agent_session_changed(session_id)
                sink.log("session_started", {"fallback": False})
        sink.run_started(resumed=resumed)
        exchange = await self.pool.exchange(conversation.id, turn_content(turn), sink)
        return exchange.result

    async def stop_turn(self, conversation_id: str) -> None:
        await self.pool.stop_turn(conversation_id)

    async def set_mode(self, conversation_id: str, mode: str) -> None:
        await self.pool.set_mode(conversation_id, mode)

    async def close(self, conversation_id: str) -> None:
        await self.pool.close(conversation_id)

    async def shutdown(self) -> None:
        await self.pool.shutdown()
