"""OscConfig: where the OSC server listens, whom it hears, and its policies."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

__all__ = ["OscConfig", "parse_target", "DEFAULT_PORT", "DEFAULT_BUS_PORT"]

DEFAULT_PORT = 57120       # SuperDirt's port: Tidal, Strudel and Sardine send here
DEFAULT_BUS_PORT = 57110   # scsynth's port: Tidal sends /c_set for `...bus` params here
LOOPBACK_SENDERS = ("127.0.0.1", "::1")


def parse_target(text: str) -> tuple[str, int]:
    """"host:port" or "port" (host 127.0.0.1) -> (host, port)."""
    host, sep, port = str(text).rpartition(":")
    if not sep:
        host, port = "127.0.0.1", text
    host = host.strip("[]") or "127.0.0.1"
    try:
        p = int(port)
    except ValueError:
        raise ValueError(f"expected HOST:PORT or PORT, got {text!r}") from None
    if not 0 < p < 65536:
        raise ValueError(f"port must be in 1..65535, got {p} in {text!r}")
    return host, p


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class OscConfig:
    """How the OSC server behaves.

    host, port: where to listen (default 127.0.0.1:57120, SuperDirt's). bus_port:
    also listen there for `/c_set` (Tidal's control buses); 0 turns it off; a port in use
    is reported and skipped. Listening on anything but loopback needs
    `allow_remote=True` *and* `allow`: sender addresses or networks ("192.168.1.20",
    "10.0.0.0/24") heard besides 127.0.0.1 and ::1; everything else is dropped and
    counted. late_drop_s: a bundle due more than this long ago is dropped (counted as
    too_late); a later-than-now bundle short of it plays at once, counted as late.
    max_ahead_s: a timetag further ahead than this plays 0.2 s from now, as SuperDirt
    does with its maxLatency (42 s). queue: rows waiting for the scheduler at most.
    event_targets: (host, port)s that get `/livesamp/event` for every played event;
    forward_targets: (host, port)s that get each played event as a `/dirt/play` bundle,
    timetagged `forward_latency_s` after it sounded here. hello: send `/dirt/hello` to
    these (host, port)s at start, so a running Tidal handshakes again. cpu_share: the
    fraction of each 100 ms the receive thread may spend handling datagrams; beyond it,
    datagrams are read and dropped unexamined (counted as shed), so a flood cannot
    starve the scheduler (1.0: never shed). recv_buffer: the socket's receive buffer in
    bytes (0: the system's default, about 200 KB on Linux: a few hundred datagrams, so a
    flood backs up by tens of milliseconds, not seconds; what overflows is counted as
    kernel_drops).
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    bus_port: int = DEFAULT_BUS_PORT
    allow_remote: bool = False
    allow: tuple = ()
    late_drop_s: float = 0.5
    max_ahead_s: float = 42.0
    queue: int = 4096
    reply_errors: bool = True
    event_targets: tuple = ()
    forward_targets: tuple = ()
    forward_latency_s: float = 0.2
    hello: tuple = (("127.0.0.1", 6010),)
    tick_s: float = 0.005
    cpu_share: float = 0.5
    recv_buffer: int = 0

    def __post_init__(self):
        if not 0 <= int(self.port) < 65536 or not 0 <= int(self.bus_port) < 65536:
            raise ValueError(f"ports must be in 0..65535, got {self.port} and {self.bus_port}")
        if not _is_loopback(self.host):
            if not self.allow_remote:
                raise ValueError(
                    f"listening on {self.host} exposes livesamp to the network: pass "
                    "allow_remote=True (--allow-remote) and an allow-list of senders (--allow)")
            if not self.allow:
                raise ValueError("allow_remote needs an allow-list of sender addresses "
                                 "(--allow 192.168.1.20 or --allow 192.168.1.0/24)")
        for a in self.allow:
            try:
                ipaddress.ip_network(a, strict=False)
            except ValueError:
                raise ValueError(f"--allow expects an IP address or network, got {a!r}") from None
        if not self.late_drop_s >= 0:
            raise ValueError(f"late_drop_s must be >= 0, got {self.late_drop_s!r}")
        if not self.max_ahead_s > 0:
            raise ValueError(f"max_ahead_s must be > 0, got {self.max_ahead_s!r}")
        if not 0 < self.cpu_share <= 1:
            raise ValueError(f"cpu_share must be in (0, 1], got {self.cpu_share!r}")
        if int(self.queue) < 1:
            raise ValueError(f"queue must be >= 1, got {self.queue!r}")

    def networks(self) -> tuple:
        """The allowed senders as ip_network objects (loopback's 127.0.0.1 and ::1 included)."""
        return tuple(ipaddress.ip_network(a, strict=False) for a in (*LOOPBACK_SENDERS, *self.allow))
