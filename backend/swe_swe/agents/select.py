"""`--agent auto|claude|demo`: which adapter runs."""

from __future__ import annotations

import shutil

from swe_swe.agents.base import Agent
from swe_swe.agents.demo import DemoAgent
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.config import Config


class AgentNotFound(RuntimeError):
    pass


def resolve_claude_bin(config: Config) -> str | None:
    return shutil.which(config.claude_bin)


def choose_agent(config: Config, running: RunningAgents) -> Agent:
    name = config.agent
    claude_bin = resolve_claude_bin(config)
    if name == "auto":
        name = "claude" if claude_bin else "demo"
    if name == "demo":
        return DemoAgent(config.workdir, config.agent_idle_seconds, config.stop_grace_seconds, running, config.demo_delay)
    if claude_bin is None:
        raise AgentNotFound(f"the claude CLI was not found ({config.claude_bin}); install it or use --agent demo")
    from swe_swe.agents.claude import ClaudeAgent

    return ClaudeAgent(config, claude_bin, running)
