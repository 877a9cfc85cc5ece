import socket
import subprocess
import sys

import pytest

from crawlers import netguard


def test_non_loopback_connection_fails_in_tests() -> None:
    with pytest.raises(netguard.NonLoopbackConnection):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_loopback_connection_is_allowed() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=2)
        client.close()
    finally:
        server.close()


def test_guard_reaches_crawl_processes() -> None:
    code = ("from crawlers.netguard import install_if_requested; install_if_requested();"
            "import socket; socket.create_connection(('198.51.100.7', 80), timeout=1)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "network guard" in proc.stderr
