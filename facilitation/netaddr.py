"""The address phones on the same wifi should use to reach this laptop."""

from __future__ import annotations

import ipaddress

import psutil


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces, private ones first, no loopback."""
    found: list[ipaddress.IPv4Address] = []
    for addrs in psutil.net_if_addrs().values():
        for addr in addrs:
            try:
                ip = ipaddress.ip_address(addr.address)
            except ValueError:
                continue
            if ip.version == 4 and not ip.is_loopback and not ip.is_link_local:
                found.append(ip)  # type: ignore[arg-type]
    found.sort(key=lambda ip: (not ip.is_private, str(ip)))
    return [str(ip) for ip in found]


def loopback_only(host: str) -> bool:
    """Whether a server listening on `host` can only be reached from this computer."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def network_url(host: str, port: int) -> str:
    """The URL to print and to put in QR codes when PUBLIC_URL is not set: the one address
    the server listens on, or, listening everywhere, this machine's LAN address. The terminal,
    the pages and the QR codes all take it from here, so they always agree."""
    if host not in ("0.0.0.0", "::", ""):
        return f"http://{'127.0.0.1' if host == 'localhost' else host}:{port}"
    lan = lan_addresses()
    return f"http://{lan[0]}:{port}" if lan else f"http://127.0.0.1:{port}"
