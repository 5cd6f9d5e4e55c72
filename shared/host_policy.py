"""Which mail servers a tenant may point a mailbox at (SSRF guard).

In production a host must resolve only to public addresses: loopback, link-local (the
metadata server at 169.254.169.254), private (RFC 1918, fc00::/7), shared (100.64/10),
multicast, unspecified and other reserved ranges are refused — also when written as an
IPv4-mapped / NAT64 / 6to4 IPv6 address. The check runs when a mailbox is saved and again at
every connect, and the connection then goes to the address that was vetted (a DNS answer
that changes between the check and the connect cannot redirect it); TLS still verifies the
certificate against the host *name*.

``MAILINGEST_ALLOW_PRIVATE_HOSTS=true`` (``Settings.allow_private_hosts``, handed to each
check by the composition root) lifts the address rule for local development and tests
(``make run`` and the test fixtures set it).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from shared.errors import ServiceUnavailable, ValidationError

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")


class HostRefused(ValidationError):
    """The host resolves to an address tenants may not reach."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (TCP), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in seen:
            seen.append(address)
    return seen


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_public(ip: IPAddress) -> bool:
    """True only for a globally routable unicast address (and any IPv4 inside it too)."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None and not is_public(inner):
            return False
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def _parse(address: str) -> IPAddress:
    return ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id


def vetted_addresses(
    host: str, port: int, *, allow_private: bool, resolver: Resolver = system_resolver
) -> list[str]:
    """The addresses to connect to for ``host``. Raises HostRefused when any of them is not
    public (unless allowed), ServiceUnavailable when the name does not resolve now."""
    name = host.strip().strip("[]")
    try:
        addresses = [str(_parse(name))]  # a literal address: no resolution
    except ValueError:
        try:
            addresses = resolver(name, port)
        except (OSError, UnicodeError):
            raise ServiceUnavailable("the mail server's name does not resolve") from None
    if not addresses:
        raise ServiceUnavailable("the mail server's name does not resolve")
    if not allow_private and not all(is_public(_parse(a)) for a in addresses):
        raise HostRefused("this mail server is not allowed: it must be reachable on the internet")
    return addresses


def check_host_for_save(
    host: str | None, port: int, *, allow_private: bool, resolver: Resolver = system_resolver
) -> None:
    """The save-time check: in production the host must resolve, to public addresses only."""
    if host is None or allow_private:
        return
    try:
        vetted_addresses(host, port, allow_private=False, resolver=resolver)
    except ServiceUnavailable:
        raise HostRefused("the mail server's name does not resolve") from None
