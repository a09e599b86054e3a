#!/usr/bin/python3
"""A small HTTPS server (Python's standard library) for the HTTPS probe
tests.

    https-health.py ADDR PORT CERT KEY FLAG_FILE REQUEST_LOG

GET /healthz answers 200 while FLAG_FILE exists and 503 after; any other
path 404.  The request line and headers of every request are appended to
REQUEST_LOG.
"""
import http.server
import ssl
import sys


def main():
    addr, port, cert, key, flag, log = sys.argv[1:7]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with open(log, "a") as f:
                f.write(self.requestline + "\n" + str(self.headers))
            if self.path != "/healthz":
                code = 404
            else:
                try:
                    open(flag).close()
                    code = 200
                except OSError:
                    code = 503
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer((addr, int(port)), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("listening", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
