"""The VAPID contact (RFC 8292 `sub`): how a push service reaches whoever runs this server.

Apple's push service answers `403 BadJwtToken` to a placeholder such as `mailto:x@localhost`, and
the peers' trackers show users lost every push to that without a word. So a contact that cannot be
real is refused at start, with a plain message, instead of failing later on every push."""

from __future__ import annotations

from urllib.parse import urlsplit


class PushContactError(ValueError):
    pass


PLACEHOLDER_DOMAINS = ("localhost", "example.com", "example.org", "example.net", "example", "invalid", "test", "local")

ADVICE = "give --push-contact mailto:you@your-domain or an https:// URL of yours; Apple refuses placeholders"


def _placeholder(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    if not domain or "." not in domain:
        return True  # `localhost`, a bare host name: no push service can write to it
    return any(domain == d or domain.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def check_push_contact(contact: str) -> str:
    """`contact` as given when it can be real; else PushContactError saying why and what to give."""
    contact = contact.strip()
    if contact.startswith("mailto:"):
        address = contact[len("mailto:") :]
        local, at, domain = address.partition("@")
        if not local or not at or _placeholder(domain) or any(c in address for c in " <>,"):
            raise PushContactError(f"--push-contact {contact!r} is not a real address: {ADVICE}.")
        return contact
    if contact.startswith("https://"):
        host = urlsplit(contact).hostname or ""
        if _placeholder(host):
            raise PushContactError(f"--push-contact {contact!r} is not a real site: {ADVICE}.")
        return contact
    raise PushContactError(f"--push-contact must start with mailto: or https:// ({ADVICE}).")
