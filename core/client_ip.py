"""The client's address as the proxy in front saw it, for login throttling.

A header is only trusted as far as a proxy we run wrote it: ``CLIENT_IP_HEADER`` names the
request.META key (e.g. ``HTTP_X_REAL_IP`` or ``HTTP_X_FORWARDED_FOR``); for a comma list
the entry ``CLIENT_IP_PROXY_COUNT`` places from the right is used, which our own proxy
appended. Whatever a client puts to the left of it is ignored, so forging a header cannot
give a guesser a fresh address (and a fresh failure count).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    header = settings.CLIENT_IP_HEADER
    if not header:
        return remote
    entries = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
    count = max(1, settings.CLIENT_IP_PROXY_COUNT)
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
