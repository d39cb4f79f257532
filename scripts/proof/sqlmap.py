#!/usr/bin/python3
"""SQL injection sweep (SECURITY.md T5) for `make proof`.

Starts a demo server ($YZ_BIN, the ASan/UBSan test build) on a free loopback
port, signs in one account per role with a bearer token, and runs sqlmap
(Debian package) against every route of the OpenAPI document that has a path
or query parameter or a JSON body, with a session of a role the route admits:
once with every path and query value marked, once on the JSON body (sqlmap
tests each member). A fresh Idempotency-Key goes with every request (--eval),
so creating routes do not answer with a stored replay.

sqlmap exits 0 even when it finds something, so the run is judged by its
output: any "injectable"/"vulnerable" verdict or a reported injection point is
a finding, and so is any HTTP 5xx, a server that stopped, or a sanitizer
report in the server log. Bounded: level 1, risk 1 (PROOF_SQLMAP_LEVEL, _RISK raise them),
techniques B/E/U, and at most PROOF_SQLMAP_TARGET_S seconds (default 20) per run. Prints its figures as
the last lines; exits 1 on any finding.

Level 3 / risk 2 (also the Cookie, User-Agent and Referer headers, heavier
payloads) took 100-140 s per run on the 2-core machine, against about 5 s at
level 1: the 83 runs would take about 2.5 hours, far beyond the 30 minutes of
`make proof`. For a deeper run of some routes, PROOF_SQLMAP_ROUTES takes a
comma-separated list of route names (e.g. matters.list,catalog.causes):
  PROOF_SQLMAP_LEVEL=3 PROOF_SQLMAP_RISK=2 PROOF_SQLMAP_TARGET_S=300 \
  PROOF_SQLMAP_ROUTES=matters.list YZ_BIN=build/test/yizhan scripts/proof/sqlmap.py
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

YZ_BIN = os.environ.get("YZ_BIN", "build/test/yizhan")
YZ_DATA = os.environ.get("YZ_DATA", "data")
BUDGET = int(os.environ.get("PROOF_SQLMAP_TARGET_S", "20"))
LEVEL = os.environ.get("PROOF_SQLMAP_LEVEL", "1")
RISK = os.environ.get("PROOF_SQLMAP_RISK", "1")
ROUTES = [r for r in os.environ.get("PROOF_SQLMAP_ROUTES", "").split(",") if r]
PASSWORD = "Yizhan-Demo-2026"
ACCOUNTS = {
    "party": "13800000001", "lawyer": "13800000004", "mediator": "13800000005",
    "org_admin": "13800000006", "filing_clerk": "filing_clerk",
    "triage_officer": "triage_officer", "judge": "judge", "assistant": "assistant",
    "clerk": "clerk", "service_officer": "service_officer",
    "petition_officer": "petition_officer", "hotline_agent": "hotline_agent",
    "court_admin": "court_admin", "supervisor": "supervisor",
}
# sqlmap's confirmed verdicts. "appears to be ... injectable" is a first suspicion that
# sqlmap itself then confirms (and prints an injection point) or drops as a false positive;
# suspicions are counted and shown, confirmed points are findings.
VERDICT = re.compile(r"(is vulnerable|identified the following injection point)", re.I)
SUSPICION = re.compile(r"appears to be .*injectable|might be injectable", re.I)
HTTP5XX = re.compile(r"HTTP error codes detected during run:.*\b5\d\d\b")


def request(base, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def sign_in(base, data_dir, login):
    body = {"login": login, "password": PASSWORD, "token_type": "bearer"}
    if not login[0].isdigit():
        code = subprocess.run([YZ_BIN, "user", "code", login, "--dir", data_dir, "--data",
                               YZ_DATA], capture_output=True, text=True, timeout=60)
        body["totp"] = code.stdout.strip()
    status, doc = request(base, "POST", "/api/v1/session", body)
    if status != 200:
        sys.exit("sqlmap proof: cannot sign in %s: %s %s" % (login, status, doc))
    return doc["token"]


def example(schema):
    """A value that passes validation where possible (sqlmap needs a working baseline)."""
    t = schema.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"][0]
    if "enum" in schema:
        return schema["enum"][0]
    if t == "integer":
        return max(1, schema.get("minimum", 1))
    if t == "boolean":
        return True
    if t == "object":
        return {}
    if t == "array":
        return []
    n = max(schema.get("minLength", 1), 3)
    return ("abc" * 40)[:min(n, schema.get("maxLength", 40))]


def targets(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path == "/api/v1/session":
                continue  # signing in and out is not a data route; it would end the sessions
            # A role the route admits, the court admin first (it passes most record checks,
            # so the values reach the handlers' statements).
            roles = op.get("x-roles") or ["party"]
            role = "court_admin" if "court_admin" in roles else roles[0]
            role = role if role in ACCOUNTS else "party"
            public = op.get("security") == []
            params = [p for p in op.get("parameters", []) if p["in"] in ("path", "query")]
            body = None
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                schema = content["application/json"]["schema"]
                body = {k: example(v) for k, v in schema.get("properties", {}).items()}
            if not params and not body:
                continue
            if ROUTES and op.get("x-route-name", path) not in ROUTES:
                continue
            yield {"method": method.upper(), "path": path, "params": params, "body": body,
                   "role": None if public else role, "name": op.get("x-route-name", path)}


def url_for(base, t, mark):
    path = t["path"]
    query = []
    for p in t["params"]:
        value = str(example(p["schema"]))
        if p["in"] == "path":
            path = path.replace("{%s}" % p["name"], value + ("*" if mark else ""))
        else:
            query.append("%s=%s%s" % (p["name"], value, "*" if mark else ""))
    return base + path + ("?" + "&".join(query) if query else "")


def run_sqlmap(url, method, data, token, out_dir):
    headers = ["Content-Type: application/json"]
    if token:
        headers.append("Authorization: Bearer " + token)
    args = ["sqlmap", "-u", url, "--method", method, "--batch", "--level", LEVEL, "--risk", RISK,
            "--technique", "BEU", "--threads", "2", "--timeout", "5", "--retries", "0",
            "--flush-session", "--disable-coloring", "--output-dir", out_dir,
            "--headers", "\n".join(headers),
            "--eval", "import uuid; _locals['auxHeaders']['Idempotency-Key'] = uuid.uuid4().hex"]
    if data is not None:
        args += ["--data", json.dumps(data, ensure_ascii=False)]
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=BUDGET,
                           stdin=subprocess.DEVNULL)
        return p.stdout + p.stderr, False
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return out, True


def _host_logs(out_dir):
    if not os.path.isdir(out_dir):
        return []
    return [os.path.join(out_dir, h, "log") for h in os.listdir(out_dir)
            if os.path.isfile(os.path.join(out_dir, h, "log"))]


def main():
    if not shutil.which("sqlmap"):
        sys.exit("sqlmap proof: sqlmap is not installed (scripts/deps.sh --proof)")
    work = tempfile.mkdtemp(prefix="yz-sqlmap-")
    data_dir = os.path.join(work, "d")
    server = None
    findings = []
    try:
        subprocess.run([YZ_BIN, "init", "--demo", "--dir", data_dir, "--data", YZ_DATA],
                       check=True, capture_output=True, timeout=120)
        log = open(os.path.join(work, "server.log"), "w")
        server = subprocess.Popen([YZ_BIN, "serve", "--dir", data_dir, "--data", YZ_DATA,
                                   "--port", "0", "--port-file", os.path.join(data_dir, "port")],
                                  stdout=log, stderr=subprocess.STDOUT)
        port_file = os.path.join(data_dir, "port")
        for _ in range(150):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        base = "http://127.0.0.1:" + open(port_file).read().strip()
        tokens = {role: sign_in(base, data_dir, login) for role, login in ACCOUNTS.items()}
        status, doc = request(base, "GET", "/api/v1/openapi.json")
        runs = params = timeouts = suspicions = 0
        for t in targets(doc):
            token = tokens[t["role"]] if t["role"] else None
            jobs = []
            if t["params"]:
                jobs.append((url_for(base, t, True), t["body"], "path/query"))
                params += len(t["params"])
            if t["body"]:
                jobs.append((url_for(base, t, False), t["body"], "body"))
                params += len(t["body"])
            for url, data, where in jobs:
                out, timed_out = run_sqlmap(url, t["method"], data, token,
                                            os.path.join(work, "out"))
                # sqlmap's own record of confirmed injection points, per host.
                for host_log in _host_logs(os.path.join(work, "out")):
                    if os.path.getsize(host_log) > 0:
                        out += "\nis vulnerable: %s is not empty" % host_log
                        os.truncate(host_log, 0)
                runs += 1
                timeouts += timed_out
                hits = [l for l in out.splitlines() if VERDICT.search(l)]
                suspicions += sum(1 for l in out.splitlines() if SUSPICION.search(l))
                hits += [l for l in out.splitlines() if HTTP5XX.search(l)]
                if server.poll() is not None:
                    hits.append("the server stopped (exit %s)" % server.returncode)
                for h in hits:
                    findings.append("%s %s (%s): %s" % (t["method"], t["name"], where, h.strip()))
                print("sqlmap %-4s %-34s %-10s %s%s" % (t["method"], t["name"], where,
                      "FINDING" if hits else "clean", " (time budget reached)" if timed_out else ""),
                      flush=True)
                if server.poll() is not None:
                    raise SystemExit(1)
        lint = subprocess.run(["./scripts/lint.sh"], capture_output=True, text=True)
        if lint.returncode != 0:
            findings.append("scripts/lint.sh: " + lint.stdout.strip())
    finally:
        if server and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        sanitizer = []
        path = os.path.join(work, "server.log")
        if os.path.exists(path):
            sanitizer = [l for l in open(path, errors="replace")
                         if "AddressSanitizer" in l or "runtime error" in l or "LeakSanitizer" in l]
        findings += ["server log: " + l.strip() for l in sanitizer[:5]]
        if server and server.returncode not in (0, None):
            findings.append("server exit status %s" % server.returncode)
        shutil.rmtree(work, ignore_errors=True)
    for f in findings:
        print("FINDING: " + f)
    print("sql injection: %d sqlmap runs over %d parameters (%d reached the %d s budget), "
          "level %s, risk %s, techniques B/E/U; %d first suspicions, none confirmed unless "
          "listed above" % (runs, params, timeouts, BUDGET, LEVEL, RISK, suspicions))
    print("sql injection: %d findings (verdicts, 5xx, sanitizer reports); source check "
          "(scripts/lint.sh, no SQL built from strings): %s"
          % (len(findings), "ok" if not any(f.startswith("scripts/lint") for f in findings)
             else "FAILED"))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
