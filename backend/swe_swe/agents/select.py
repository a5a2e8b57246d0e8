"""`--agent auto|claude|codex|demo`: the default adapter, plus every other agent CLI that is installed."""

from __future__ import annotations

import shutil

from swe_swe.agents.base import Agent
from swe_swe.agents.demo import DemoAgent
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.agents.registry import AgentRegistry
from swe_swe.config import Config

REAL_AGENTS = ("claude", "codex")


class AgentNotFound(RuntimeError):
    pass


def resolve_claude_bin(config: Config) -> str | None:
    return shutil.which(config.claude_bin)


def resolve_codex_bin(config: Config) -> str | None:
    return shutil.which(config.codex_bin)


def installed(config: Config) -> dict[str, str]:
    """The real agent CLIs found, by name → executable."""
    found = {"claude": resolve_claude_bin(config), "codex": resolve_codex_bin(config)}
    return {name: path for name, path in found.items() if path}


def default_name(config: Config, found: dict[str, str]) -> str:
    if config.agent != "auto":
        return config.agent
    return next((name for name in REAL_AGENTS if name in found), "demo")


def build_agent(name: str, config: Config, found: dict[str, str], running: RunningAgents) -> Agent:
    if name == "demo":
        return DemoAgent(config.workdir, config.agent_idle_seconds, config.stop_grace_seconds, running, config.demo_delay)
    path = found.get(name)
    if path is None:
        option = f"--{name}-bin"
        binary = config.claude_bin if name == "claude" else config.codex_bin
        raise AgentNotFound(f"the {name} CLI was not found ({binary}); install it, pass {option}, or use --agent demo")
    if name == "claude":
        from swe_swe.agents.claude import ClaudeAgent

        return ClaudeAgent(config, path, running)
    from swe_swe.agents.codex import CodexAgent

    return CodexAgent(config, path, running)


def choose_agent(config: Config, running: RunningAgents) -> AgentRegistry:
    """The default agent first (new conversations get it), then the other real agents found."""
    found = installed(config)
    default = default_name(config, found)
    names = [default] + [name for name in REAL_AGENTS if name in found and name != default]
    return AgentRegistry([build_agent(name, config, found, running) for name in names])
