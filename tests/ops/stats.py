#!/usr/bin/python3
"""stats.py - StatsSocket end to end: vigie started with metrics on a loopback
TCP port, mail sent through its milter socket by tests/bench/miltergen
(clean, suspect, impersonation, internal and authenticated clients), the
counters scraped over HTTP with urllib and compared with what was sent;
scrapes that are refused, oversized or left idle never hold up mail;
reloads are counted. Prints TAP.

Runs milter/vigie when it is built, else tests/milter/vigie-fake (the
stand-in analysis of tests/milter/fakecore.c: same messages, same verdicts).
Everything lives in a private directory; the daemon is stopped by its PID.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BUILD = os.environ.get("top_builddir", os.getcwd())
VIGIE = os.environ.get("VIGIE", os.path.join(BUILD, "milter", "vigie"))
if not os.access(VIGIE, os.X_OK):
    VIGIE = os.path.join(BUILD, "tests", "milter", "vigie-fake")
MILTERGEN = os.path.join(BUILD, "tests", "bench", "miltergen")

n = 0
failed = 0


def ok(cond, what, diag=""):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {what}")
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[-20:]:
            print("# " + line)
    sys.stdout.flush()
    return cond


MESSAGES = {
    "clean": (
        "From: Alice Martin <alice@example.org>\r\nTo: bob@example.net\r\n"
        "Subject: Compte rendu\r\nDate: Mon, 5 Feb 2024 10:00:00 +0100\r\n"
        "Message-ID: <clean.1@example.org>\r\n\r\nBonjour Bob,\r\nVoici le compte rendu.\r\n"),
    "impersonation": (
        "From: \"Service Paiement\" <paiement@xn--viamdis-eya.fr>\r\nTo: opticien@example.net\r\n"
        "Subject: Votre paiement tiers payant\r\nDate: Mon, 5 Feb 2024 10:00:00 +0100\r\n"
        "Message-ID: <phish.1@xn--viamdis-eya.fr>\r\n\r\nBonjour,\r\nMerci de confirmer votre RIB.\r\n"),
    "suspect": (
        "From: \"Viamedis Tiers Payant\" <service.viamedis@gmail.com>\r\n"
        "To: pharmacie@example.net\r\nSubject: Votre espace professionnel\r\n"
        "Date: Mon, 5 Feb 2024 10:00:00 +0100\r\n\r\nBonjour,\r\nMerci de vous reconnecter.\r\n"),
}


def free_port():
    """A loopback TCP port nobody uses right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Vigie:
    """One vigie in the foreground on a private config; stopped by PID."""

    def __init__(self, tmp, port, extra=""):
        self.tmp = tmp
        self.sock = os.path.join(tmp, "vigie.sock")
        self.conf = os.path.join(tmp, "vigie.conf")
        self.log = os.path.join(tmp, "vigie.log")
        self.port = port
        self.write_conf(extra)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([VIGIE, "-f", "-c", self.conf],
                                         stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.ready():
            time.sleep(0.05)

    def write_conf(self, extra):
        with open(self.conf, "w") as f:
            f.write(f"Socket local:{self.sock}\nSyslog no\nAuthservID mx.vigie.test\n"
                    f"InternalHosts 192.0.2.0/24\nStatsSocket inet:{self.port}@127.0.0.1\n"
                    "ImpersonationAction reject\nSuspectAction quarantine\n" + extra)

    def ready(self):
        return os.path.exists(self.sock) and "metrics:" in self.logtext()

    def logtext(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def send(v, kind, count, *args):
    """count copies of a message through the milter socket; miltergen's status."""
    d = os.path.join(v.tmp, "msg-" + kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "m.eml"), "w") as f:
        f.write(MESSAGES[kind])
    p = subprocess.run([MILTERGEN, "-q", "-n", str(count), "-a",
                        "accept,continue,reject,quarantine", *args,
                        "unix:" + v.sock, d], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def scrape(port, path="/metrics", method="GET"):
    """status, headers, body of one HTTP request."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def metrics(port):
    """{series: value} of one scrape; series as written, labels included."""
    _, _, body = scrape(port)
    out = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            series, _, val = line.rpartition(" ")
            out[series] = float(val)
    return out


def raw(port, data, wait=5.0):
    """Send raw bytes, return what comes back until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except socket.timeout:
            pass
    return b"".join(chunks)


def main():
    for tool in (VIGIE, MILTERGEN):
        if not os.access(tool, os.X_OK):
            print(f"1..0 # SKIP {tool} is not built")
            return 0
    tmp = tempfile.mkdtemp(prefix="vigie-stats.")
    os.chmod(tmp, 0o755)
    if os.getuid() == 0:
        shutil.chown(tmp, "nobody")
    port = free_port()
    v = Vigie(tmp, port)
    try:
        run(v, port)
    finally:
        rc = v.stop()
        ok(rc == 0, f"vigie stopped cleanly by SIGTERM (status {rc})", v.logtext())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                closed = False
        except OSError:
            closed = True
        ok(closed, "the metrics port is closed once vigie stopped")
        if failed:
            print("# vigie log:")
            for line in v.logtext().splitlines()[-30:]:
                print("# " + line)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{n}")
    return 1 if failed else 0


def run(v, port):
    if not ok(v.ready(), f"vigie ({os.path.basename(VIGIE)}) started with StatsSocket "
              f"inet:{port}@127.0.0.1", v.logtext()):
        return
    status, headers, body = scrape(port)
    ok(status == 200 and headers.get("Content-Type", "").startswith(
        "text/plain; version=0.0.4"), "GET /metrics: 200, Prometheus text format 0.0.4")
    m0 = metrics(port)
    version = subprocess.run([VIGIE, "-V"], capture_output=True, text=True).stdout.split()[1]
    ok(any(k.startswith(f'vigie_build_info{{version="{version}"') for k in m0),
       f"build info names version {version}")
    ok(m0.get("vigie_messages_total") == 0 and m0.get('vigie_reloads_total{result="ok"}') == 0,
       "before any mail every counter is 0")
    ok(m0.get("vigie_config_generation") == 1, "configuration generation 1 at start-up")

    sent = [("clean", 5, ["--client-addr", "203.0.113.7"]),
            ("impersonation", 3, ["--client-addr", "203.0.113.8"]),
            ("suspect", 2, ["--client-addr", "2001:db8::25"]),
            ("clean", 2, ["--client-addr", "192.0.2.5"]),
            ("suspect", 1, ["--client-addr", "203.0.113.9", "--auth", "alice"])]
    for kind, count, args in sent:
        rc, out = send(v, kind, count, *args)
        ok(rc == 0, f"{count} {kind} message(s) from {args[1]}"
           f"{' authenticated' if '--auth' in args else ''} through the milter", out)

    m = metrics(port)
    want = {
        "vigie_messages_total": 13,
        "vigie_connections_total": 13,
        'vigie_messages_skipped_total{reason="internal"}': 2,
        'vigie_messages_skipped_total{reason="authenticated"}': 1,
        'vigie_messages_skipped_total{reason="local"}': 0,
        'vigie_verdicts_total{verdict="clean"}': 5,
        'vigie_verdicts_total{verdict="suspect"}': 2,
        'vigie_verdicts_total{verdict="impersonation"}': 3,
        'vigie_actions_total{action="tag"}': 5,
        'vigie_actions_total{action="quarantine"}': 2,
        'vigie_actions_total{action="reject"}': 3,
        'vigie_reasons_total{code="homoglyph"}': 3,
        'vigie_brand_messages_total{brand="Viamedis"}': 5,
        "vigie_processing_seconds_count": 10,
        'vigie_processing_seconds_bucket{le="+Inf"}': 10,
    }
    for series, value in want.items():
        ok(m.get(series) == value, f"{series} = {value} (got {m.get(series)})")
    ok(m.get('vigie_reasons_total{code="display-name"}', 0) >= 2,
       "display-name counted for the suspect messages")
    ok(0 < m.get("vigie_processing_seconds_sum", 0) < 10, "processing time sum is plausible "
       f"({m.get('vigie_processing_seconds_sum')} s for 10 messages)")
    buckets = sorted((float(k.split('"')[1]), val) for k, val in m.items()
                     if k.startswith("vigie_processing_seconds_bucket") and "+Inf" not in k)
    ok(all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), "histogram buckets are cumulative")

    status, _, _ = scrape(port, "/nothing")
    ok(status == 404, "another path: 404")
    status, headers, body = scrape(port, method="HEAD")
    ok(status == 200 and body == "" and int(headers["Content-Length"]) > 1000,
       "HEAD /metrics: headers and length only")
    status, headers, _ = scrape(port, method="POST")
    ok(status == 405 and headers.get("Allow") == "GET, HEAD", "POST: 405 with Allow")
    reply = raw(port, b"GET /metrics HTTP/1.0\r\nX: " + b"a" * 8000 + b"\r\n\r\n")
    ok(reply.startswith(b"HTTP/1.0 431"), "a request head over 4 KB: 431, not read further",
       reply[:100])

    # idle scrapers take every slot: mail goes on, and a real scrape is served
    # once they are cut (5 s)
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(10)]
    t0 = time.monotonic()
    rc, out = send(v, "clean", 3, "--client-addr", "203.0.113.7")
    mail_s = time.monotonic() - t0
    ok(rc == 0 and mail_s < 3, f"with 10 idle scrapers mail still flows ({mail_s:.2f} s for 3)",
       out)
    t0 = time.monotonic()
    m = metrics(port)
    waited = time.monotonic() - t0
    ok(m.get('vigie_verdicts_total{verdict="clean"}') == 8,
       f"a scrape behind them is served after the idle ones time out ({waited:.1f} s)")
    for s in idle:
        s.close()

    # reloads: a good one, then a refused one
    v.proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "reload: done" not in v.logtext():
        time.sleep(0.05)
    v.write_conf("Frobnicate yes\n")
    v.proc.send_signal(signal.SIGUSR1)
    while time.monotonic() < deadline and "reload: failed" not in v.logtext():
        time.sleep(0.05)
    m = metrics(port)
    ok(m.get('vigie_reloads_total{result="ok"}') == 1
       and m.get('vigie_reloads_total{result="failed"}') == 1,
       "reloads counted: 1 ok, 1 failed")
    ok(m.get("vigie_config_generation") == 2, "the refused reload left generation 2 in force")
    ok(m.get("vigie_messages_total") == 16, "counters survive reloads")


if __name__ == "__main__":
    sys.exit(main())
