#!/usr/bin/python3
"""test_opendkim - miltergen against a real libmilter filter: Debian's opendkim
in verify mode, on a tiny corpus (rsa-2048 signed, ed25519 signed, unsigned,
tampered). The Authentication-Results opendkim adds must be the right ones,
with zero errors; an --expect-header the filter does not satisfy must be
caught. opendkim runs from a private config and socket, stopped by PID.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dkim  # noqa: E402
from opendkimpeer import OPENDKIM, OpenDKIM, dkim_keys  # noqa: E402
from taputil import MILTERGEN, Tap, summary  # noqa: E402

MESSAGE = (b"From: =?utf-8?q?Pharmacie_Durand?= <contact@pharmacie-durand.fr>\r\n"
           b"To: Viamedis <support@viamedis.fr>\r\n"
           b"Subject: =?utf-8?q?Remboursement_tiers_payant_f=C3=A9vrier?=\r\n"
           b"Date: Mon, 05 Feb 2024 10:00:00 +0100\r\n"
           b"Message-ID: <20240205100000.1@pharmacie-durand.fr>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n\r\n"
           + "Bonjour,\r\n\r\nle virement de février n'est pas arrivé.\r\n".encode()
           + b"\r\nCordialement,\r\n-- \r\nPharmacie Durand\r\n")
SIGNED = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]


def corpus(tmp, keys):
    """Four messages and the TestPublicKeys file that verifies them."""
    d = os.path.join(tmp, "corpus")
    os.mkdir(d)
    algos = {"rsa": (b"rsa2024", b"rsa-sha256"), "ed25519": (b"ed2024", b"ed25519-sha256")}
    for kind, (sel, alg) in algos.items():
        sig = dkim.sign(MESSAGE, sel, b"pharmacie-durand.fr", keys[kind][0],
                        include_headers=SIGNED, signature_algorithm=alg)
        with open(os.path.join(d, f"signed-{kind}.eml"), "wb") as f:
            f.write((sig + MESSAGE).replace(b"\r\n", b"\n"))
        if kind == "rsa":
            tampered = (sig + MESSAGE).replace(b"pas arriv", b"bien arriv")
            with open(os.path.join(d, "tampered.eml"), "wb") as f:
                f.write(tampered.replace(b"\r\n", b"\n"))
    with open(os.path.join(d, "unsigned.eml"), "wb") as f:
        f.write(MESSAGE.replace(b"\r\n", b"\n"))
    test_keys = os.path.join(tmp, "test-keys")
    with open(test_keys, "w") as f:
        for kind, (sel, _) in algos.items():
            f.write(f"{sel.decode()}._domainkey.pharmacie-durand.fr {keys[kind][1]}\n")
    return d, test_keys


def results(actions):
    """{message file name: Authentication-Results value} from --actions output."""
    ar = {}
    for line in actions.splitlines():
        f = line.split("\t")
        if len(f) >= 5 and f[1] in ("insheader", "addheader") and f[3] == "Authentication-Results":
            ar[os.path.basename(f[0])] = f[4].replace("\\n", " ").replace("\\t", " ")
    return ar


def main():
    t = Tap()
    if OPENDKIM is None:
        print("1..0 # SKIP opendkim is not installed")
        return
    tmp = tempfile.mkdtemp(prefix="vigie-odkim-")
    od = None
    try:
        d, test_keys = corpus(tmp, dkim_keys(tmp))
        od = OpenDKIM(tmp, test_keys)
        if not t.ok(od.start(), "opendkim -f (Mode v, TestPublicKeys) listens on its unix socket",
                    od.logtext()):
            return
        p = subprocess.run([MILTERGEN, "-c", "2", "-n", "8", "--actions", "-", "-p", str(od.pid),
                            "-e", "Authentication-Results:dkim=", "unix:" + od.sock, d],
                           capture_output=True, text=True, timeout=120)
        s = summary(p.stdout)
        t.ok(p.returncode == 0 and s.get("messages") == "8" and s.get("errors") == "0",
             "8 messages over 2 connections: all accepted, zero errors", p.stdout + p.stderr)
        ar = results(p.stdout)
        rsa, ed = ar.get("signed-rsa.eml", ""), ar.get("signed-ed25519.eml", "")
        t.ok("dkim=pass" in rsa and "header.a=rsa-sha256" in rsa and "header.s=rsa2024" in rsa,
             "rsa-2048 signed message: dkim=pass header.a=rsa-sha256", ar)
        t.ok("dkim=pass" in ed and "header.a=ed25519-sha256" in ed,
             "ed25519 signed message: dkim=pass header.a=ed25519-sha256", ar)
        t.ok(re.search(r"\bdkim=none\b", ar.get("unsigned.eml", "")) is not None,
             "unsigned message: dkim=none", ar)
        t.ok(re.search(r"\bdkim=fail\b", ar.get("tampered.eml", "")) is not None,
             "message altered after signing: dkim=fail", ar)
        t.ok(re.fullmatch(r"[0-9.]+", s.get("cpu_s_per_1000", "")) is not None
             and int(s.get("rss_peak_kb", "0")) > 1000,
             "--pid reads opendkim's CPU time and RSS", s)
        p = subprocess.run([MILTERGEN, "-e", "Authentication-Results:dkim=pass",
                            "unix:" + od.sock, d], capture_output=True, text=True, timeout=120)
        s = summary(p.stdout)
        t.ok(p.returncode == 1 and s.get("err_header") == "2" and "unsigned.eml" in p.stderr
             and "tampered.eml" in p.stderr,
             "--expect-header dkim=pass fails exactly the unsigned and tampered messages",
             p.stdout + p.stderr)
    finally:
        if od is not None:
            od.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        t.done()


if __name__ == "__main__":
    main()
