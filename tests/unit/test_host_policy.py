"""SSRF guard: which addresses a tenant's mailbox host may resolve to in production."""

from __future__ import annotations

import ipaddress

import pytest

from shared.config import Settings
from shared.errors import ServiceUnavailable
from shared.host_policy import HostRefused, is_public, vetted_addresses

FORBIDDEN = [
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "0.0.0.0",
    "::",
    "169.254.169.254",  # the metadata server
    "10.0.0.5",
    "172.16.3.4",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier NAT)
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "::ffff:169.254.169.254",  # IPv4-mapped
    "::ffff:10.0.0.5",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "198.18.0.1",  # benchmarking
    "192.0.2.1",  # documentation
]
PUBLIC = ["142.250.27.108", "52.97.146.162", "2a00:1450:400c:c0b::6d", "2603:1026:c0a::2"]


@pytest.mark.parametrize("address", FORBIDDEN)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(HostRefused):
        vetted_addresses(address, 993, allow_private=False)
    with pytest.raises(HostRefused):
        vetted_addresses(f"[{address}]", 993, allow_private=False)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert vetted_addresses(address, 993, allow_private=False) == [
        str(ipaddress.ip_address(address))
    ]


def test_a_name_is_refused_if_any_of_its_addresses_is_not_public() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["142.250.27.108", "10.0.0.5"]

    with pytest.raises(HostRefused):
        vetted_addresses("imap.tenant.example", 993, allow_private=False, resolver=resolver)
    assert vetted_addresses("imap.tenant.example", 993, allow_private=True, resolver=resolver) == [
        "142.250.27.108",
        "10.0.0.5",
    ]


def test_localhost_by_name_is_refused_and_an_unresolvable_name_is_temporary() -> None:
    with pytest.raises(HostRefused):
        vetted_addresses("localhost", 993, allow_private=False)

    def nxdomain(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(ServiceUnavailable):
        vetted_addresses("metadata.google.internal", 993, allow_private=False, resolver=nxdomain)


def test_one_explicit_setting_allows_private_hosts() -> None:
    def allowed(**env: str) -> bool:
        base = {"GOOGLE_CLOUD_PROJECT": "p", "MAILINGEST_BLOBS_BACKEND": "memory"}
        return Settings.from_env({**base, **env}).allow_private_hosts

    assert allowed(MAILINGEST_ALLOW_PRIVATE_HOSTS="true")
    assert not allowed()
    assert not allowed(MAILINGEST_ALLOW_PRIVATE_HOSTS="no")
