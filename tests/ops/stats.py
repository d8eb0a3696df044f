#!/usr/bin/python3
"""stats.py - StatsSocket end to end: vigie started with metrics on a loopback
TCP port, mail sent through its milter socket by contrib/miltergen/miltergen
(clean, suspect, impersonation, DKIM-signed, internal and authenticated
clients), the counters scraped over HTTP with urllib and compared with what
was sent: the verdicts, reasons, brands and DKIM results expected are the
ones vigie-check --json --config gives for the same files (what vigie-check
says is what the milter does). Scrapes that are refused, oversized or left
idle never hold up mail; reloads are counted. Prints TAP.

Everything lives in a private directory; the daemon is stopped by its PID.
"""

import collections
import json
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
from tap import ok  # noqa: E402

BUILD = os.environ.get("top_builddir", os.getcwd())
SRC = os.environ.get("top_srcdir", os.getcwd())
VIGIE = os.environ.get("VIGIE", os.path.join(BUILD, "milter", "vigie"))
VIGIE_CHECK = os.environ.get("VIGIE_CHECK", os.path.join(BUILD, "milter", "vigie-check"))
MILTERGEN = os.path.join(BUILD, "contrib", "miltergen", "miltergen")
KEYS = os.path.join(SRC, "tests", "data", "dkim", "rfc8463.keys")
SIGNED = os.path.join(SRC, "tests", "data", "dkim", "rfc8463.eml")


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
        "From: \"Viamedis Tiers Payant\" <service.tp@gmail.com>\r\n"
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
                    "ImpersonationAction reject\nSuspectAction quarantine\n"
                    f"DKIMVerify always\nTestPublicKeys {KEYS}\n" + extra)

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


def message_dir(v, kind):
    """A directory holding the one message of a kind."""
    d = os.path.join(v.tmp, "msg-" + kind)
    if not os.path.isdir(d):
        os.makedirs(d)
        if kind == "signed":
            shutil.copy(SIGNED, os.path.join(d, "m.eml"))
        else:
            with open(os.path.join(d, "m.eml"), "w") as f:
                f.write(MESSAGES[kind])
    return d


def judged(v, kind):
    """vigie-check's JSON report of a message, with the daemon's config."""
    p = subprocess.run([VIGIE_CHECK, "--json", "--config", v.conf,
                        os.path.join(message_dir(v, kind), "m.eml")],
                       capture_output=True, text=True, timeout=60)
    return json.loads(p.stdout.splitlines()[0])


def expected(v, sent):
    """The counters the messages sent should give, from vigie-check's reports."""
    actions = {"clean": "tag", "suspect": "quarantine", "impersonation": "reject"}
    want = collections.Counter()
    for kind, count, args in sent:
        want["vigie_messages_total"] += count
        want["vigie_connections_total"] += count
        if "192.0.2.5" in args:
            want['vigie_messages_skipped_total{reason="internal"}'] += count
            continue
        if "--auth" in args:
            want['vigie_messages_skipped_total{reason="authenticated"}'] += count
            continue
        r = judged(v, kind)
        want[f'vigie_verdicts_total{{verdict="{r["verdict"]}"}}'] += count
        want[f'vigie_actions_total{{action="{actions[r["verdict"]]}"}}'] += count
        for code in {x["code"] for x in r["reasons"]}:
            want[f'vigie_reasons_total{{code="{code}"}}'] += count
        if r["verdict"] != "clean" and r["brand"]:
            want[f'vigie_brand_messages_total{{brand="{r["brand"]}"}}'] += count
        checked = [d for d in r["dkim"] if d["checked"]]
        for d in checked:
            want[f'vigie_dkim_results_total{{result="{d["result"]}"}}'] += count
        if not r["dkim"]:
            want['vigie_dkim_results_total{result="none"}'] += count
        want["vigie_processing_seconds_count"] += count
    return want


def send(v, kind, count, *args):
    """count copies of a message through the milter socket; miltergen's status."""
    d = message_dir(v, kind)
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
    for tool in (VIGIE, VIGIE_CHECK, MILTERGEN):
        if not os.access(tool, os.X_OK):
            print(f"1..0 # SKIP {tool} is not built")
            return 0
    tmp = tempfile.mkdtemp(prefix="vigie-stats.")
    os.chmod(tmp, 0o755)
    # what vigie reads once it runs as nobody: here, not in the checkout
    global KEYS
    KEYS = shutil.copy(KEYS, os.path.join(tmp, "rfc8463.keys"))
    os.chmod(KEYS, 0o644)
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
        if tap.failed:
            print("# vigie log:")
            for line in v.logtext().splitlines()[-30:]:
                print("# " + line)
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.plan()


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
            ("signed", 2, ["--client-addr", "198.51.100.20"]),
            ("clean", 2, ["--client-addr", "192.0.2.5"]),
            ("suspect", 1, ["--client-addr", "203.0.113.9", "--auth", "alice"])]
    for kind, count, args in sent:
        rc, out = send(v, kind, count, *args)
        ok(rc == 0, f"{count} {kind} message(s) from {args[1]}"
           f"{' authenticated' if '--auth' in args else ''} through the milter", out)

    m = metrics(port)
    want = expected(v, sent)
    verdicts = sorted(k for k in want if k.startswith("vigie_verdicts_total"))
    ok(len(verdicts) == 3, "the messages sent give all three verdicts, says vigie-check",
       verdicts)
    ok(want['vigie_dkim_results_total{result="pass"}'] > 0
       and want['vigie_dkim_results_total{result="none"}'] > 0,
       "and DKIM results pass (signed) and none (unsigned)")
    for series, value in sorted(want.items()):
        ok(m.get(series) == value, f"{series} = {value}, as vigie-check says (got {m.get(series)})")
    # every series of these families that vigie-check did not predict stays at 0
    families = ("vigie_verdicts_total", "vigie_reasons_total", "vigie_actions_total",
                "vigie_dkim_results_total", "vigie_messages_skipped_total")
    extra = [k for k, val in m.items() if k.startswith(families) and val and k not in want]
    ok(not extra, "no other verdict, reason, action, DKIM result or skip was counted", extra)
    analysed = want["vigie_processing_seconds_count"]
    ok(m.get('vigie_processing_seconds_bucket{le="+Inf"}') == analysed,
       f"the time histogram holds the {analysed} analysed messages")
    ok(0 < m.get("vigie_processing_seconds_sum", 0) < analysed,
       f"processing time sum is plausible ({m.get('vigie_processing_seconds_sum')} s)")
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
    m2 = metrics(port)
    waited = time.monotonic() - t0
    ok(m2.get("vigie_messages_total") == m.get("vigie_messages_total") + 3,
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
    ok(m.get("vigie_messages_total") == m2.get("vigie_messages_total"), "counters survive reloads")


if __name__ == "__main__":
    sys.exit(main())
