"""Probing a running app: an HTTP request, the sockets a process listens on, its user."""
from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass


@dataclass
class Answer:
    """What one HTTP request got: a status (and the start of the body), or why there was none."""

    status: int | None = None
    body: str = ""
    error: str | None = None     # no answer: refused, reset, timed out
    not_http: bool = False       # something answered, but not in HTTP
    connected: bool = False      # a TCP connection was taken and kept (no HTTP request: tcp_connect)

    @property
    def answered(self) -> bool:
        return self.status is not None or self.not_http or self.connected


def http_get(host: str, port: int, path: str = "/", timeout: float = 5.0, limit: int = 65536,
             tls: bool = False) -> Answer:
    """One GET; never raises. A connection that is accepted and closed without a word (what
    Docker's port proxy does while nothing listens in the container) is no answer. ``tls``: over HTTPS,
    without verifying the app's own certificate."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path or "/", headers={"User-Agent": "containerize-verify", "Connection": "close"})
        resp = conn.getresponse()
        body = resp.read(limit).decode("utf-8", "replace")
        return Answer(status=resp.status, body=body)
    except http.client.RemoteDisconnected as exc:
        return Answer(error=f"connection closed without an answer ({exc})")
    except (ConnectionError, socket.timeout, TimeoutError, OSError) as exc:
        return Answer(error=str(exc) or exc.__class__.__name__)
    except http.client.HTTPException as exc:
        return Answer(not_http=True, error=f"not an HTTP answer ({exc.__class__.__name__}: {exc})")
    finally:
        conn.close()


def tcp_connect(host: str, port: int, timeout: float = 5.0, settle: float = 0.5) -> Answer:
    """A TCP connection with no request sent, for a server that speaks no HTTP/1 (gRPC): ``connected`` when
    it is taken and not closed within ``settle`` seconds (the server may speak first: an HTTP/2 server sends
    its settings). A connection accepted and closed at once, as Docker's port proxy does while nothing
    listens in the container, is no answer. Never raises."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(settle)
            try:
                data = sock.recv(1)
            except (socket.timeout, TimeoutError):
                return Answer(connected=True)
            if not data:
                return Answer(error="connection closed at once")
            return Answer(connected=True)
    except OSError as exc:
        return Answer(error=str(exc) or exc.__class__.__name__)


# -- listening sockets (/proc/net/tcp and tcp6 of the container's network namespace) --

@dataclass(frozen=True)
class Listener:
    address: str
    port: int

    def __str__(self) -> str:
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"

    @property
    def loopback_only(self) -> bool:
        return self.address.startswith("127.") or self.address == "::1"


def parse_proc_net_tcp(text: str, ipv6: bool = False) -> list[Listener]:
    """The LISTEN sockets (state 0A) of a /proc/net/tcp or /proc/net/tcp6 table."""
    found = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4 or fields[3] != "0A":
            continue
        addr_hex, _, port_hex = fields[1].rpartition(":")
        try:
            found.append(Listener(_address(addr_hex, ipv6), int(port_hex, 16)))
        except ValueError:
            continue
    return found


def _address(hex_addr: str, ipv6: bool) -> str:
    raw = bytes.fromhex(hex_addr)
    if not ipv6:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # four little-endian 32-bit words
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    text = socket.inet_ntop(socket.AF_INET6, words)
    return "::" if text == "::" else text


DOCKER_DNS = "127.0.0.11"  # Docker's embedded DNS server, in every container on a user-defined network


def describe_listeners(listeners: list[Listener], wanted: int) -> str:
    """A sentence about what a container listens on, compared with the port it should."""
    listeners = [l for l in listeners if l.address != DOCKER_DNS]
    if not listeners:
        return "it listens on no TCP port at all"
    unique = sorted(set(listeners), key=lambda l: (l.port, l.address))
    where = ", ".join(str(l) for l in unique)
    on_wanted = [l for l in unique if l.port == wanted]
    if on_wanted and all(l.loopback_only for l in on_wanted):
        return (f"it listens on {where}: port {wanted} only on the loopback address, which can't be reached "
                "from outside the container (bind 0.0.0.0)")
    return f"it listens on {where}"


# -- users ----------------------------------------------------------------

def parse_uid(status_text: str) -> int | None:
    """The effective uid from a /proc/PID/status text."""
    for line in status_text.splitlines():
        if line.startswith("Uid:"):
            fields = line.split()
            if len(fields) >= 3:
                return int(fields[2])
    return None


def resolve_user(user: str, passwd: str | None = None) -> int | None:
    """The uid of a Docker USER value ("", "0", "app", "10001:10001", "nonroot:nonroot").
    Names are looked up in the image's /etc/passwd text; None when unknown."""
    name = (user or "").split(":", 1)[0].strip()
    if name in ("", "root"):
        return 0
    if name.isdigit():
        return int(name)
    for line in (passwd or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] == name and fields[2].isdigit():
            return int(fields[2])
    return None
