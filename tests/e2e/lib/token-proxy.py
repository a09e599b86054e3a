#!/usr/bin/env python3
"""A bearer-token front for a plain-HTTP registry (e2e tests only).

Debian's docker-registry only does token auth with JWT-signed tokens, so
this stands in for a token server and the registry's token checks:

  GET /token?service=..&scope=..   HTTP Basic credentials (--user/--password)
      -> {"token": T, "access_token": T, "expires_in": 300}; wrong or missing
      credentials -> 401.  With --anonymous-pull, a request without
      credentials gets a token that grants pull only (like Docker Hub).
  /v2/...   needs "Authorization: Bearer T" where T was issued here with a
      scope covering the repository and the action (pull for GET/HEAD, push
      for POST/PUT/PATCH, delete for DELETE); else 401 with
      WWW-Authenticate: Bearer realm=".../token",service="..",scope="..".
      Authorised requests are proxied to --backend (plain HTTP), Location
      headers pointing at the backend rewritten to point here.

Listens on 127.0.0.1 only.  Python standard library only.  One line per
event on stderr (the tests grep it).
"""

import argparse
import base64
import http.client
import http.server
import json
import re
import secrets
import sys
import threading
import time
import urllib.parse

SERVICE = "peapod-test"
TOKEN_TTL = 300
CHUNK = 64 * 1024
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
              "te", "trailer", "upgrade", "content-length"}
# /v2/<name>/(manifests|blobs|tags)/...: the repository a request is about.
REPO_PATH = re.compile(r"^/v2/(.+?)/(manifests|blobs|tags)/")


# The distribution spec's repository name grammar.
NAME_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
REPO_NAME = re.compile(r"^%s(?:/%s)*$" % (NAME_COMPONENT, NAME_COMPONENT))


def parse_scopes(values):
    """scope params ("repository:NAME:a,b", several per param space-separated)
    -> {name: set(actions)} for type "repository"; other types are ignored.
    Raises ValueError for a malformed scope (such as "repository::pull")."""
    out = {}
    for value in values:
        for scope in value.split():
            kind, sep1, rest = scope.partition(":")
            name, sep2, actions = rest.rpartition(":")
            if not sep1 or not sep2 or not kind or not actions:
                raise ValueError("malformed scope '%s'" % scope)
            if kind != "repository":
                continue
            if not REPO_NAME.match(name):
                raise ValueError("bad repository name in scope '%s'" % scope)
            out.setdefault(name, set()).update(a for a in actions.split(",") if a)
    return out


class Tokens:
    def __init__(self):
        self.lock = threading.Lock()
        self.tokens = {}

    def issue(self, grants, who):
        tok = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[tok] = (time.monotonic() + TOKEN_TTL, grants, who)
        return tok

    def lookup(self, tok):
        with self.lock:
            ent = self.tokens.get(tok)
        if not ent or ent[0] < time.monotonic():
            return None
        return ent


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "peapod-token-proxy"

    def log_message(self, fmt, *args):
        pass

    def event(self, msg):
        sys.stderr.write("token-proxy: %s\n" % msg)
        sys.stderr.flush()

    # ---- helpers ----

    def drain_body(self):
        """Consume the request body so that the connection stays usable."""
        n = self.headers.get("Content-Length")
        if n is not None:
            left = int(n)
            while left > 0:
                got = self.rfile.read(min(CHUNK, left))
                if not got:
                    break
                left -= len(got)
        elif "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reply_json(self, status, obj, headers=()):
        hdrs = [("Content-Type", "application/json")] + list(headers)
        self.reply(status, json.dumps(obj).encode(), hdrs)

    def basic_creds(self):
        """(user, password) from Authorization: Basic, or None."""
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("basic "):
            return None
        try:
            plain = base64.b64decode(h[6:].strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return ("", "")
        user, _, pw = plain.partition(":")
        return (user, pw)

    # ---- /token ----

    def do_token(self, query):
        opts = self.server.opts
        creds = self.basic_creds()
        try:
            scopes = parse_scopes(query.get("scope", []))
        except ValueError as e:
            self.event("token REJECTED: %s" % e)
            self.reply_json(400, {"errors": [{"code": "INVALID_REQUEST", "message": str(e)}]})
            return
        if creds is None and opts.anonymous_pull:
            grants = {n: a & {"pull"} for n, a in scopes.items()}
            who = "anonymous"
        elif creds == (opts.user, opts.password):
            grants = {n: a & {"pull", "push", "delete"} for n, a in scopes.items()}
            who = opts.user
        else:
            self.event("token DENIED for %s (scope %s)" %
                       ("no credentials" if creds is None else "user '%s'" % creds[0],
                        query.get("scope", [])))
            self.reply_json(401, {"errors": [{"code": "UNAUTHORIZED",
                                              "message": "authentication required"}]},
                            [("WWW-Authenticate", 'Basic realm="%s"' % SERVICE)])
            return
        tok = self.server.tokens.issue(grants, who)
        self.event("token issued to %s service=%s grants=%s" % (
            who, ",".join(query.get("service", [])),
            " ".join("%s:%s" % (n, ",".join(sorted(a))) for n, a in sorted(grants.items()))))
        self.reply_json(200, {"token": tok, "access_token": tok, "expires_in": TOKEN_TTL,
                              "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                         time.gmtime())})

    # ---- /v2/ ----

    def challenge(self, repo, action, error=None):
        realm = "http://127.0.0.1:%d/token" % self.server.server_address[1]
        ch = 'Bearer realm="%s",service="%s"' % (realm, SERVICE)
        if repo:
            ch += ',scope="repository:%s:%s"' % (
                repo, "pull" if action == "pull" else "pull," + action)
        if error:
            ch += ',error="%s"' % error
        return ch

    def authorised(self, repo, action):
        """None if the request may pass, else the error for the challenge."""
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("bearer "):
            return ""
        ent = self.server.tokens.lookup(h[7:].strip())
        if ent is None:
            return "invalid_token"
        if repo is None:
            return None  # /v2/ itself: any valid token
        if action in ent[1].get(repo, set()):
            return None
        return "insufficient_scope"

    def do_v2(self, path):
        if path == "/v2/" or path == "/v2":
            repo, action = None, None
        else:
            m = REPO_PATH.match(path)
            repo = m.group(1) if m else ""
            action = {"GET": "pull", "HEAD": "pull", "DELETE": "delete"}.get(
                self.command, "push")
        why = self.authorised(repo, action) if repo != "" else "insufficient_scope"
        if why is not None:
            self.drain_body()
            self.event("401 %s %s (%s)" % (self.command, path, why or "no token"))
            self.reply_json(401, {"errors": [{
                "code": "UNAUTHORIZED", "message": "authentication required",
                "detail": [{"Type": "repository", "Name": repo or "",
                            "Action": action or ""}]}]},
                [("WWW-Authenticate", self.challenge(repo, action, why or None))])
            return
        self.event("pass %s %s" % (self.command, path))
        self.forward()

    def send_request_body(self, conn):
        n = self.headers.get("Content-Length")
        if n is not None:
            left = int(n)
            while left > 0:
                got = self.rfile.read(min(CHUNK, left))
                if not got:
                    raise ConnectionError("client closed during the request body")
                conn.send(got)
                left -= len(got)
            return
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return
        while True:  # de-chunk from the client, re-chunk to the backend
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            data = self.rfile.read(size) if size else b""
            self.rfile.readline()
            conn.send(b"%x\r\n%s\r\n" % (size, data))
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return

    def forward(self):
        opts = self.server.opts
        conn = http.client.HTTPConnection(opts.backend, timeout=120)
        try:
            conn.putrequest(self.command, self.path, skip_host=True,
                            skip_accept_encoding=True)
            conn.putheader("Host", opts.backend)
            for k, v in self.headers.items():
                if k.lower() in ("authorization", "host", "connection", "keep-alive",
                                 "proxy-connection"):
                    continue
                conn.putheader(k, v)
            conn.endheaders()
            self.send_request_body(conn)
            resp = conn.getresponse()
            self.relay(resp)
        finally:
            conn.close()

    def relay(self, resp):
        here = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.log_request(resp.status)
        self.send_response_only(resp.status, resp.reason)  # Date etc. from the backend
        length = resp.getheader("Content-Length")
        for k, v in resp.getheaders():
            if k.lower() in HOP_BY_HOP:
                continue
            if k.lower() == "location" and v.startswith("http://" + self.server.opts.backend):
                v = here + v[len("http://" + self.server.opts.backend):]
            self.send_header(k, v)
        no_body = self.command == "HEAD" or resp.status in (204, 304) or resp.status < 200
        if length is not None:
            self.send_header("Content-Length", length)
        elif not no_body:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if no_body:
            return
        while True:
            data = resp.read(CHUNK)
            if length is None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            elif data:
                self.wfile.write(data)
            if not data:
                break

    # ---- dispatch ----

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        try:
            if url.path == "/token" and self.command == "GET":
                self.do_token(urllib.parse.parse_qs(url.query))
            elif url.path == "/v2" or url.path.startswith("/v2/"):
                self.do_v2(url.path)
            else:
                self.drain_body()
                self.reply_json(404, {"errors": [{"code": "NOT_FOUND",
                                                  "message": "not found"}]})
        except (ConnectionError, OSError, http.client.HTTPException) as e:
            self.event("error %s %s: %s" % (self.command, self.path, e))
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = dispatch


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--backend", required=True, help="HOST:PORT of the plain-HTTP registry")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--anonymous-pull", action="store_true",
                    help="issue pull-only tokens to requests without credentials")
    opts = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    srv.daemon_threads = True
    srv.opts = opts
    srv.tokens = Tokens()
    sys.stderr.write("token-proxy: listening on 127.0.0.1:%d -> %s%s\n" % (
        opts.port, opts.backend, " (anonymous pull)" if opts.anonymous_pull else ""))
    sys.stderr.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
