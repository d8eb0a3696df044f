#!/usr/bin/python3
"""httpsd.py DIR CERT KEY PORTFILE - python3's http.server over TLS on
127.0.0.1, serving DIR (the publisher's web server, for the brand pack
update tests). Binds a free port and writes it to PORTFILE once listening;
stops on SIGTERM. Loopback only."""

import functools
import http.server
import os
import signal
import ssl
import sys


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Serve files; log requests to stderr in one short line."""

    def log_message(self, fmt, *args):
        sys.stderr.write("httpsd: " + (fmt % args) + "\n")


def main():
    root, cert, key, portfile = sys.argv[1:5]
    handler = functools.partial(Quiet, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()
