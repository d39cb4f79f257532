"""A stand-in SMS gateway for tests/api/test_notify_smtp.c.

Usage: sms_gateway.py PORT KEY_FILE OUT_DIR

Listens on 127.0.0.1:PORT for POST requests as yizhan's notification sender
makes them (src/notify/sender.h): a JSON body {"id","phone","text"} with
X-Yizhan-Timestamp and X-Yizhan-Signature = hex HMAC-SHA-256 under the key in
KEY_FILE over "<timestamp>\\n<body>". A request with a good signature is
written to OUT_DIR/sms-<id>.json and answered 200, unless its text contains
"拒收" (answered 400, written nowhere: a permanent refusal); a bad or missing
signature is answered 401 and written to OUT_DIR/bad-<n>.json.
Only the Python standard library is used.
"""
import hashlib
import hmac
import http.server
import json
import os
import sys

PORT = int(sys.argv[1])
with open(sys.argv[2], "rb") as f:
    KEY = f.read().rstrip(b"\r\n")
OUT = sys.argv[3]
bad = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global bad
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(n, 65536))
        ts = self.headers.get("X-Yizhan-Timestamp", "")
        sig = self.headers.get("X-Yizhan-Signature", "")
        want = hmac.new(KEY, ts.encode() + b"\n" + body, hashlib.sha256).hexdigest()
        if not ts or not hmac.compare_digest(sig, want):
            bad += 1
            self.answer(401, "bad-%d.json" % bad, body)
            return
        msg = json.loads(body)
        if "拒收" in msg["text"]:
            self.answer(400, None, body)
            return
        self.answer(200, "sms-%d.json" % msg["id"], body)

    def answer(self, status, name, body):
        if name:
            tmp = os.path.join(OUT, "." + name)
            with open(tmp, "wb") as f:
                f.write(body)
            os.rename(tmp, os.path.join(OUT, name))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("sms_gateway: " + (fmt % args) + "\n")


http.server.HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
