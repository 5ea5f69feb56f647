"""The client's address, as seen through the reverse proxies this deployment trusts.

Behind nginx (or a load balancer) every request comes from the proxy's address; the client's is in
`X-Forwarded-For`, which the client can also write itself. So the header is believed only as far
as the configuration says:

- by default (no setting) only `REMOTE_ADDR` counts and `X-Forwarded-For` is ignored;
- `HIMAYA_PROXY_HOPS=N`: exactly N proxies of ours stand in front, each appending the address it
  received the request from, so the client is the N-th entry from the right (entries further left
  were written by the client and are ignored);
- `HIMAYA_TRUSTED_PROXIES=10.0.0.0/8,192.0.2.7`: the addresses or networks of our proxies; when
  the request comes from one of them, the client is the right-most entry that is not one of them.

Used by every per-address throttle (public certificate verification, sign-in, the API), so they
all agree on who the client is. `client_address` is Django-free; `client_ip` reads the settings.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | Sequence[str]) -> tuple[Network, ...]:
    """`"10.0.0.0/8, 192.0.2.7"` (or a list) as networks; raises ValueError on a bad entry."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(remote_addr: str, forwarded_for: str = "", *, hops: int = 0, trusted: Sequence[Network] = ()) -> str:
    """The client's address for a request from `remote_addr` carrying `X-Forwarded-For: forwarded_for`."""
    remote = str(remote_addr or "")[:64]
    entries = [e for e in (forwarded_for or "").split(",") if e.strip()]
    if hops > 0:
        if not entries:
            return remote
        chosen = _address(entries[-min(hops, len(entries))])
        return str(chosen) if chosen is not None else remote
    if trusted:
        peer = _address(remote)
        if peer is None or not any(peer in network for network in trusted):
            return remote  # not through our proxy: the header is the client's own word
        for entry in reversed(entries):
            found = _address(entry)
            if found is None:
                return remote
            if not any(found in network for network in trusted):
                return str(found)
        return remote
    return remote


def client_ip(request: Any) -> str:
    """The client address of a Django request, by `settings.HIMAYA_PROXY_HOPS` / `HIMAYA_TRUSTED_PROXIES`."""
    from django.conf import settings

    return client_address(
        str(request.META.get("REMOTE_ADDR", "")),
        str(request.META.get("HTTP_X_FORWARDED_FOR", "")),
        hops=int(getattr(settings, "HIMAYA_PROXY_HOPS", 0) or 0),
        trusted=getattr(settings, "HIMAYA_TRUSTED_PROXIES", ()),
    )
