"""swe-swe: drive a coding agent CLI from a phone or a browser, and never lose the conversation."""

__version__ = "0.1.0"
