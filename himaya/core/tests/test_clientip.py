"""The client address behind reverse proxies: X-Forwarded-For is believed only as configured."""

from __future__ import annotations

import pytest

from himaya.core.clientip import client_address, parse_networks

PROXY = "10.0.0.5"


def test_without_configuration_only_the_connection_counts():
    assert client_address(PROXY, "203.0.113.9") == PROXY
    assert client_address("198.51.100.1", "") == "198.51.100.1"


def test_one_hop_takes_the_entry_our_proxy_appended():
    # The client wrote "1.2.3.4" itself; nginx appended the address it saw.
    assert client_address(PROXY, "1.2.3.4, 203.0.113.9", hops=1) == "203.0.113.9"
    assert client_address(PROXY, "203.0.113.9", hops=1) == "203.0.113.9"
    assert client_address(PROXY, "", hops=1) == PROXY


def test_two_hops_count_from_the_right():
    assert client_address(PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.2", hops=2) == "203.0.113.9"
    assert client_address(PROXY, "203.0.113.9", hops=2) == "203.0.113.9"  # fewer entries than hops


def test_trusted_proxies_skip_our_own_addresses():
    trusted = parse_networks("10.0.0.0/8, 192.0.2.7")
    assert client_address(PROXY, "1.2.3.4, 203.0.113.9, 192.0.2.7", trusted=trusted) == "203.0.113.9"
    assert client_address(PROXY, "2001:db8::1", trusted=trusted) == "2001:db8::1"


def test_a_header_from_an_untrusted_peer_is_ignored():
    trusted = parse_networks("10.0.0.0/8")
    assert client_address("198.51.100.1", "203.0.113.9", trusted=trusted) == "198.51.100.1"


@pytest.mark.parametrize("header", ["not-an-address", "203.0.113.9, garbage"])
def test_a_malformed_entry_falls_back_to_the_connection(header):
    assert client_address(PROXY, header, hops=1) == PROXY
    assert client_address(PROXY, header, trusted=parse_networks("10.0.0.0/8")) == PROXY


def test_ports_are_not_part_of_the_address():
    assert client_address(PROXY, "203.0.113.9:5555", hops=1) == "203.0.113.9"
    assert client_address(PROXY, "[2001:db8::1]:443", hops=1) == "2001:db8::1"


def test_a_bad_network_is_refused():
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/8, nonsense")
