"""Refuse every network connection that is not to loopback.

Installed by the test suite (``tests/conftest.py``) and, when ``HARVEST_LOOPBACK_ONLY=1`` is
set, by every crawl process (``crawlers.run``), so a test that would reach the internet
fails loudly instead of passing slowly.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import TYPE_CHECKING

from crawlers import config

if TYPE_CHECKING:
    # socket.socket inherits connect/connect_ex from _socket.socket: the replacements take
    # the same self and address types (the stubs' _Address) as the methods they replace.
    import _socket
    from socket import _Address

ENV = "HARVEST_LOOPBACK_ONLY"
_installed = False


class NonLoopbackConnection(ConnectionRefusedError):
    """A connection to a non-loopback address was attempted while the guard is on."""


def _is_loopback(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if not isinstance(address, tuple) or not address:
        return False
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def install() -> None:
    """Patch ``socket.socket.connect``/``connect_ex`` to refuse non-loopback peers."""
    global _installed
    if _installed:
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def connect(self: _socket.socket, address: _Address) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise NonLoopbackConnection(f"network guard: connection to {address!r} refused (loopback only)")
        return original_connect(self, address)

    def connect_ex(self: _socket.socket, address: _Address) -> int:
        # connect_ex reports errors as numbers (Twisted relies on it): refuse with ECONNREFUSED.
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            import sys

            print(f"network guard: connection to {address!r} refused (loopback only)", file=sys.stderr)
            return errno.ECONNREFUSED
        return original_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    _installed = True


def install_if_requested() -> None:
    """Install the guard when ``HARVEST_LOOPBACK_ONLY`` is on (``ValueError`` on a bad value)."""
    if config.value(ENV):
        install()
