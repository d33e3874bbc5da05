"""Probes of `containerize verify` against local servers on 127.0.0.1, and the readers of
/proc tables and user names."""
from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from containerize.verify import probe


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 503 if self.path == "/broken" else 404 if self.path == "/missing" else 200
        body = f"path={self.path}".encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_http_answers_any_status(server):
    ok = probe.http_get("127.0.0.1", server, "/health")
    assert ok.answered and ok.status == 200 and ok.body == "path=/health"
    assert probe.http_get("127.0.0.1", server, "/broken").status == 503
    assert probe.http_get("127.0.0.1", server, "/missing").status == 404


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_refused_is_no_answer():
    answer = probe.http_get("127.0.0.1", free_port(), "/", timeout=2)
    assert not answer.answered and answer.error


def accept_then(action) -> int:
    """A TCP server that accepts one connection and calls action(conn) (like docker's port proxy)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)

    def serve():
        conn, _ = sock.accept()
        try:
            conn.recv(1024)
            action(conn)
        finally:
            conn.close()
            sock.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock.getsockname()[1]


def test_closed_without_a_word_is_no_answer():
    answer = probe.http_get("127.0.0.1", accept_then(lambda conn: None), "/", timeout=3)
    assert not answer.answered and "without an answer" in answer.error


def test_something_that_is_not_http():
    answer = probe.http_get("127.0.0.1", accept_then(lambda conn: conn.sendall(b"220 smtp ready\r\n")), "/",
                            timeout=3)
    assert answer.answered and answer.not_http and answer.status is None


def accept_and(action) -> int:
    """A TCP server that accepts one connection and, before reading anything, calls action(conn)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    done = threading.Event()

    def serve():
        conn, _ = sock.accept()
        try:
            action(conn)
            done.wait(5)  # kept open until the test is over (or closed by the action)
        finally:
            conn.close()
            sock.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock.getsockname()[1]


def test_a_connection_that_is_kept_is_an_answer_without_http():
    # a gRPC server waits for the client's preface: nothing is said, the connection stays
    answer = probe.tcp_connect("127.0.0.1", accept_and(lambda conn: None), timeout=3, settle=0.3)
    assert answer.answered and answer.connected and answer.status is None and not answer.not_http
    # an HTTP/2 server speaks first (its SETTINGS frame)
    spoken = probe.tcp_connect("127.0.0.1", accept_and(lambda conn: conn.sendall(b"\x00\x00\x00\x04\x00")),
                               timeout=3, settle=0.3)
    assert spoken.connected


def test_a_connection_closed_at_once_or_refused_is_no_answer():
    # Docker's port proxy accepts and closes while nothing listens in the container
    closed = probe.tcp_connect("127.0.0.1", accept_and(lambda conn: conn.close()), timeout=3, settle=2)
    assert not closed.answered and not closed.connected and "closed at once" in closed.error
    refused = probe.tcp_connect("127.0.0.1", free_port(), timeout=2)
    assert not refused.answered and refused.error


PROC_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001        0 1 1 0 100 0 0 10 0
   1: 0B00007F:AAB1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001        0 3 1 0 100 0 0 10 0
   3: 0200A8C0:2328 0100A8C0:D2F0 01 00000000:00000000 00:00000000 00000000 10001        0 4 1 0 100 0 0 10 0
"""
PROC_TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue rx_queue
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000
   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000
"""


def test_proc_net_tcp_listeners():
    v4 = probe.parse_proc_net_tcp(PROC_TCP)
    assert [str(l) for l in v4] == ["0.0.0.0:9000", "127.0.0.11:43697", "127.0.0.1:8000"]  # not the ESTABLISHED one
    v6 = probe.parse_proc_net_tcp(PROC_TCP6, ipv6=True)
    assert [str(l) for l in v6] == ["[::]:8080", "[::1]:80"]


def test_describe_listeners():
    v4 = probe.parse_proc_net_tcp(PROC_TCP)
    assert probe.describe_listeners(v4[:2], 8000) == "it listens on 0.0.0.0:9000"  # docker's DNS left out
    text = probe.describe_listeners(v4, 8000)
    assert "127.0.0.1:8000" in text and "only on the loopback address" in text and "bind 0.0.0.0" in text
    assert probe.describe_listeners([], 8000) == "it listens on no TCP port at all"


def test_users():
    assert probe.parse_uid("Name:\tgunicorn\nUid:\t10001\t10001\t10001\t10001\n") == 10001
    passwd = "root:x:0:0:root:/root:/bin/bash\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"
    assert probe.resolve_user("", passwd) == 0
    assert probe.resolve_user("root", passwd) == 0
    assert probe.resolve_user("0:0") == 0
    assert probe.resolve_user("10001:10001") == 10001
    assert probe.resolve_user("nonroot:nonroot", passwd) == 65532
    assert probe.resolve_user("ghost", passwd) is None
