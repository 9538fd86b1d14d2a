"""The stage's HTTP server: read-only, standard library, Server-Sent Events.

Routes (GET and HEAD only; any other method gets 405):

- ``/`` the page, ``/stage.css``, ``/stage.js``: files shipped in the package, read once
  at start-up into memory: the request path is only ever a key into that table, so no
  path reaches the file system (traversal has nothing to traverse).
- ``/events``: the event stream (`StageHub`).
- ``/state``: the hub's snapshot as JSON.

Limits: request line 2 KiB (414), headers 8 KiB or 32 lines (431), no request body (413),
a socket timeout per connection, at most `max_connections` at once (more are closed at
once) and `max_streams` event streams (503). Bound to loopback, only requests whose
`Host` names the loopback are answered (403), so a web page elsewhere cannot read the
stage through DNS rebinding. TCP_NODELAY on every connection (latency).
"""
from __future__ import annotations

import http.server
import ipaddress
import json
import socket
import threading
from importlib import resources
from urllib.parse import urlsplit

__all__ = ["StageServer", "static_files"]

MAX_LINE = 2048
MAX_HEADERS = 8192
MAX_HEADER_LINES = 32
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8"}
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'")


def static_files() -> dict[str, tuple[bytes, str]]:
    """{route: (bytes, content type)} of the page's files, from the package."""
    folder = resources.files(__package__) / "static"
    out = {}
    for name in ("index.html", "stage.css", "stage.js"):
        data = (folder / name).read_bytes()
        out["/" if name == "index.html" else "/" + name] = (data, _TYPES[name[name.rfind("."):]])
    return out


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 16

    def __init__(self, addr, handler, stage, max_connections: int):
        self.stage = stage
        self._slots = threading.BoundedSemaphore(max_connections)
        fam = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
        self.address_family = fam
        super().__init__(addr, handler)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)    # too many at once: close, answer nothing
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "livesamp-stage"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 20

    # -- reading a request, bounded -----------------------------------------------------------
    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(MAX_LINE + 1)
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > MAX_LINE:
            self.requestline, self.request_version, self.command = "", "HTTP/1.1", "GET"
            self._refuse(414, "request line too long")
            return
        if not self.parse_request():   # sends 400/431/505 itself
            return
        size = sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        if size > MAX_HEADERS or len(self.headers) > MAX_HEADER_LINES:
            self._refuse(431, "request headers too large")
            return
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or (length not in (None, "0")):
            self._refuse(413, "no request body is accepted here")
            return
        if self.command not in ("GET", "HEAD"):
            self._refuse(405, "read-only: GET and HEAD only", allow=True)
            return
        if not self._host_ok():
            self._refuse(403, "this stage answers only on the loopback")
            return
        try:
            self._route()
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def _host_ok(self) -> bool:
        srv = self.server
        if not srv.stage.loopback_only:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            name = host[1:host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        if name == "localhost":
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    def _refuse(self, code: int, why: str, allow: bool = False) -> None:
        body = (why + "\n").encode()
        self.close_connection = True
        self.send_response(code)
        if allow:
            self.send_header("Allow", "GET, HEAD")
        self._common_headers("text/plain; charset=utf-8", len(body))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code, message=None, explain=None):
        self._refuse(code, message or self.responses.get(code, ("error",))[0])

    def _common_headers(self, ctype: str, length: int | None) -> None:
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", _CSP)

    # -- answering ----------------------------------------------------------------------------
    def _route(self) -> None:
        target = self.path
        if not target.startswith("/"):
            self._refuse(400, "bad request target")
            return
        path = urlsplit(target).path
        stage = self.server.stage
        if path == "/events":
            self._events(stage)
            return
        if path == "/state":
            self._send(json.dumps(stage.hub.snapshot()).encode(), "application/json")
            return
        found = stage.files.get(path)
        if found is None:
            self._refuse(404, "not found")
            return
        self._send(*found)

    def _send(self, body: bytes, ctype: str) -> None:
        self.send_response(200)
        self._common_headers(ctype, len(body))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self, stage) -> None:
        hub = stage.hub
        if self.command == "HEAD":
            self._send(b"", "text/event-stream")
            return
        if hub.clients >= stage.max_streams:
            self._refuse(503, "too many pages are watching")
            return
        client = hub.connect()
        self.close_connection = True
        try:
            self.send_response(200)
            self._common_headers("text/event-stream; charset=utf-8", None)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n")
            while not stage.stopping:
                data = client.get(timeout=10)
                if data is None:
                    if client.dead:
                        break
                    data = b": ping\n\n"     # keeps proxies and the browser's timeout happy
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            pass
        finally:
            hub.disconnect(client)

    def log_message(self, format, *args):   # noqa: A002 - the base class's name
        pass


class StageServer:
    """http.server on a thread: `start()` binds (port 0: any free one), `stop()` closes."""

    def __init__(self, stage, host: str, port: int, max_connections: int = 48):
        self.stage = stage
        self._httpd = _Server((host, int(port)), _Handler, stage, max_connections)
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        return self._httpd.server_address[:2]

    def start(self) -> StageServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="livesamp-stage-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
