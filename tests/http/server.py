#!/usr/bin/env python3
"""A small HTTP server for the http tests and the REST example connector.

It binds 127.0.0.1 on a free port (never any other address), writes the
port to --port-file once it listens, logs every request to --log as
"SECONDS METHOD PATH" (monotonic clock), and exits by itself after
--lifetime seconds however the test ends.

Routes
  GET /items?updated_since=T&page=N&per_page=M
        the items of --items (a JSON array of objects with "id" and
        "updated_at") updated at or after T, ordered by (updated_at, id),
        page N of M: {"items": [...], "page": N, "next_page": N+1 or null}.
        With --token, a request without "Authorization: Bearer TOKEN" gets
        401. --fault PAGE:STATUS:COUNT makes the first COUNT requests for
        PAGE answer STATUS (a 429 carries "Retry-After: --retry-after").
  ANY /echo           the request as JSON: method, path, query, headers, body
  GET /status/CODE    answers CODE; ?retry_after=V adds Retry-After: V
  GET /once/KEY/CODE  the first ?times=N (1) requests answer CODE, then 200;
                      ?retry_after=V adds Retry-After: V ("date:S" gives an
                      HTTP date S seconds ahead)
  GET /slow?seconds=S answers after S seconds (at most 10); or ?ms=M after M
                      milliseconds, answering {"id": ?id=, "slow": true}. The
                      server counts the /slow requests it is answering at once
  GET /overlap        {"max": M, "now": N}: the most /slow requests answered at
                      once so far, and now; ?reset=1 then starts max again
  GET /cookie         answers with Set-Cookie and a body echoing ?value=
  GET /redirect?to=P  302 to P
  GET /text           a body that is not JSON
  GET /big?bytes=N    N bytes of "x", streamed 64 KiB at a time (never held
                      whole); with Content-Length: N, or chunked (no length)
                      with &chunked=1
  GET /gzipbomb?bytes=N
                      N zero bytes gzip-compressed (about 1 KiB a MiB, sent
                      as it is read), chunked, with Content-Encoding: gzip
  GET /bigheaders?bytes=N
                      a small body after about N bytes of X-Pad-K headers
                      (1000 bytes each), or one X-Pad of N bytes with &line=1
"""
import argparse
import json
import os
import struct
import sys
import threading
import time
import zlib
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ARGS = None
LOCK = threading.Lock()
COUNTS = {}
OVERLAP = {"now": 0, "max": 0}


def hit(key):
    """How many times key was requested before, counting this one."""
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms stalls between headers and body

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, headers=None, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def retry_after(self, value):
        if value is None:
            return {}
        if value.startswith("date:"):
            return {"Retry-After": formatdate(time.time() + float(value[5:]), usegmt=True)}
        return {"Retry-After": value}

    def handle_any(self):
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if ARGS.log:
            with LOCK, open(ARGS.log, "a") as f:
                f.write("%.3f %s %s\n" % (time.monotonic(), self.command, self.path))
        parts = url.path.strip("/").split("/")
        if url.path == "/items":
            return self.items(q)
        if url.path == "/echo":
            return self.reply(200, {
                "method": self.command, "path": url.path, "query": url.query,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace")})
        if parts[0] == "status" and len(parts) == 2:
            return self.reply(int(parts[1]), {"status": int(parts[1])},
                              self.retry_after(q.get("retry_after")))
        if parts[0] == "once" and len(parts) == 3:
            n = hit(url.path)
            if n <= int(q.get("times", "1")):
                return self.reply(int(parts[2]), {"error": "try again"},
                                  self.retry_after(q.get("retry_after")))
            return self.reply(200, {"ok": True, "attempt": n})
        if url.path == "/slow":
            return self.slow(q)
        if url.path == "/overlap":
            with LOCK:
                seen = dict(OVERLAP)
                if q.get("reset") == "1":
                    OVERLAP["max"] = OVERLAP["now"]
            return self.reply(200, seen)
        if url.path == "/cookie":
            return self.reply(200, {"value": q.get("value", "")},
                              {"Set-Cookie": "session=s3cr3t-cookie; Path=/"})
        if url.path == "/redirect":
            return self.reply(302, b"", {"Location": q.get("to", "/echo")}, "text/plain")
        if url.path == "/text":
            return self.reply(200, b"<html>not json</html>", None, "text/html")
        if url.path == "/big":
            return self.big(int(q.get("bytes", "0")), q.get("chunked") == "1")
        if url.path == "/gzipbomb":
            return self.gzipbomb(int(q.get("bytes", "0")))
        if url.path == "/bigheaders":
            return self.bigheaders(int(q.get("bytes", "0")), q.get("line") == "1")
        return self.reply(404, {"error": "no route " + url.path})

    def slow(self, q):
        with LOCK:
            OVERLAP["now"] += 1
            OVERLAP["max"] = max(OVERLAP["max"], OVERLAP["now"])
        try:
            if "ms" in q:
                time.sleep(min(float(q["ms"]) / 1000, 10))
            else:
                time.sleep(min(float(q.get("seconds", "1")), 10))
        finally:
            with LOCK:
                OVERLAP["now"] -= 1
        body = {"slow": True}
        if "id" in q:
            body["id"] = q["id"]
        return self.reply(200, body)

    def send_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def stream(self, pieces, length=None, headers=None):
        """Sends the byte strings pieces yields, one at a time, as the body;
        a client that hangs up ends it quietly."""
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            for data in pieces:
                if not data:
                    continue
                if length is None:
                    self.send_chunk(data)
                else:
                    self.wfile.write(data)
            if length is None:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def big(self, n, chunked):
        block = b"x" * 65536

        def pieces():
            left = n
            while left > 0:
                yield block[:min(left, len(block))]
                left -= len(block)
        self.stream(pieces(), None if chunked else n)

    def gzipbomb(self, n):
        zeros = bytes(1 << 20)
        # After a full flush each MiB of zeros deflates to the same ~1 KiB,
        # made once: the server sends gigabytes' worth without compressing them.
        z = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = z.compress(zeros) + z.flush(zlib.Z_FULL_FLUSH)

        def pieces():
            yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip header
            crc = 0
            for _ in range(n // len(zeros)):
                crc = zlib.crc32(zeros, crc)
                yield block
            rest = zlib.compressobj(9, zlib.DEFLATED, -15)
            tail = zeros[:n % len(zeros)]
            crc = zlib.crc32(tail, crc)
            yield rest.compress(tail) + rest.flush()
            yield struct.pack("<II", crc, n & 0xFFFFFFFF)
        self.stream(pieces(), None, {"Content-Encoding": "gzip"})

    def bigheaders(self, n, one_line):
        self.send_response(200)
        if one_line:
            self.send_header("X-Pad", "p" * n)
        else:
            for k in range(n // 1000 + 1):
                self.send_header("X-Pad-%d" % k, "p" * 1000)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        try:
            self.end_headers()
            self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def items(self, q):
        if ARGS.token and self.headers.get("Authorization") != "Bearer " + ARGS.token:
            return self.reply(401, {"error": "bad or missing token"})
        page = int(q.get("page", "1"))
        per_page = int(q.get("per_page", "3"))
        for fault in ARGS.fault:
            fpage, status, count = (int(x) for x in fault.split(":"))
            if fpage == page and hit("fault:%d" % page) <= count:
                headers = {"Retry-After": str(ARGS.retry_after)} if status == 429 else {}
                return self.reply(status, {"error": "fault %d" % status}, headers)
        since = q.get("updated_since", "")
        with open(ARGS.items) as f:
            items = [i for i in json.load(f) if i["updated_at"] >= since]
        items.sort(key=lambda i: (i["updated_at"], i["id"]))
        chunk = items[(page - 1) * per_page:page * per_page]
        more = page * per_page < len(items)
        return self.reply(200, {"items": chunk, "page": page,
                                "next_page": page + 1 if more else None})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--items")
    p.add_argument("--token")
    p.add_argument("--fault", action="append", default=[])
    p.add_argument("--retry-after", type=int, default=1)
    p.add_argument("--lifetime", type=float, default=60)
    ARGS = p.parse_args()
    # Many connections at once (http.request_all, the benchmark): a longer
    # listen queue than socketserver's 5, whose overflow costs a 1 s SYN retry.
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    timer = threading.Timer(ARGS.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
