#!/usr/bin/python3
"""bench_memory - vigie's resident memory beside opendkim's, under the same loads.

    tests/bench/bench_memory.py [--idle 1000] [--concurrent 100] [--big-mb 10]
                                [--sizes 1,10,50] [--peers opendkim,vigie,vigie-nobanner]
                                [--loads idle,big,flagged,sizes] [--keep DIR]

Loads (idle, big and sizes unless --loads says), each on a freshly started
daemon (so VmHWM, the kernel's lifetime peak, belongs to that load alone):

  idle     --idle connections opened at once, each stopped in the middle of a
           message (negotiated, CONNECT, MAIL, a few header fields sent) and
           left waiting, as Postfix leaves the milter while a slow client
           sends its DATA; RSS and threads while they wait.
  big      miltergen with --concurrent connections, each sending a
           --big-mb MB message (DKIM-signed, rsa-2048: the whole body is
           hashed) twice; peak RSS.
  flagged  the same as big, but the message is phishing (From a look-alike
           of a brand): vigie keeps each body (BannerMemory in memory, the
           rest in a file) and writes it back with the warning banner.
  sizes    one connection, a message of each --sizes MB, in three body
           shapes: text lines, one line with no line break, and a base64
           attachment; peak RSS per size, to show whether a message's memory
           grows with its body beyond the scan cap (MaxBodyScan). Every
           message must get dkim=pass, but from vigie the one-line body gets
           dkim=neutral: it stops hashing a run of 64 KB with no space or
           line end (libopendkim would hold it whole).

vigie runs with DKIMVerify always and its default MaxBodyScan (256 KB)
and Banner impersonation; vigie-nobanner the same with Banner none;
opendkim in verify mode with the same keys. Figures are VmRSS sampled
every 50 ms by miltergen (rss peak) and VmHWM.
"""

import argparse
import base64
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dkim  # noqa: E402
from opendkimpeer import OpenDKIM, dkim_keys  # noqa: E402
from taputil import MILTERGEN, summary  # noqa: E402
from vigiepeer import Vigie  # noqa: E402

# SMFIP_ flags the idle client honours (libmilter/mfdef.h)
NOHELO, NORCPT, NR_HDR, NODATA = 0x2, 0x8, 0x80, 0x200
NR_CONN, NR_HELO, NR_MAIL, NR_RCPT, NR_DATA = 0x1000, 0x2000, 0x4000, 0x8000, 0x10000
DOMAIN, SELECTOR = b"pharmacie-durand.fr", b"bench"


def status(pid):
    """VmRSS, VmHWM (kB) and Threads of a process."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "Threads"):
                out[k] = int(v.split()[0])
    return out


class Idle:
    """One milter connection left in the middle of a message."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(20)
        self.s.connect(path)
        self.steps = 0

    def send(self, cmd, data=b""):
        self.s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def reply(self):
        """Read one reply packet; its command byte."""
        head = self._read(5)
        n = struct.unpack(">I", head[:4])[0]
        self._read(n - 1)
        return head[4:5]

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise OSError("milter closed the connection")
            buf += chunk
        return buf

    def step(self, cmd, data, skip, noreply):
        """A command unless negotiated away, and its reply unless declined."""
        if self.steps & skip:
            return
        self.send(cmd, data)
        if not self.steps & noreply and self.reply() not in (b"c",):
            raise OSError(f"unexpected reply to {cmd!r}")

    def open(self, n):
        """Negotiate, connect, start message n and send a few header fields."""
        self.send(b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff))
        head = self._read(5)
        body = self._read(struct.unpack(">I", head[:4])[0] - 1)
        self.steps = struct.unpack(">III", body[:12])[2]
        self.send(b"D", b"C{daemon_name}\x00smtpd\x00{client_addr}\x00192.0.2.10\x00")
        self.step(b"C", b"client.example.net\x00" + b"4" + struct.pack(">H", 2525) +
                  b"192.0.2.10\x00", 0, NR_CONN)
        self.step(b"H", b"client.example.net\x00", NOHELO, NR_HELO)
        self.send(b"D", b"Mi\x00" + f"Q{n:08X}".encode() + b"\x00")
        self.step(b"M", b"<facturation@pharmacie-durand.fr>\x00", 0, NR_MAIL)
        self.step(b"R", b"<opticien@example.net>\x00", NORCPT, NR_RCPT)
        self.step(b"T", b"", NODATA, NR_DATA)
        for name, value in ((b"From", b" Pharmacie Durand <facturation@pharmacie-durand.fr>"),
                            (b"To", b" opticien@example.net"),
                            (b"Subject", b" Tiers payant : relance"),
                            (b"Message-ID", f" <{n}@pharmacie-durand.fr>".encode())):
            self.step(b"L", name + b"\x00" + value + b"\x00", 0, NR_HDR)

    def close(self):
        self.s.close()


def idle_load(peer, count):
    """RSS and threads with count connections waiting mid-message."""
    before = status(peer.pid)
    conns = []
    try:
        for i in range(count):
            c = Idle(peer.sock)
            c.open(i)
            conns.append(c)
        time.sleep(2)
        during = status(peer.pid)
    finally:
        for c in conns:
            c.close()
    return f"{count} idle: rss {before['VmRSS'] / 1024:.1f} MB before, " \
        f"{during['VmRSS'] / 1024:.1f} MB with them ({(during['VmRSS'] - before['VmRSS']) / count:.1f} " \
        f"kB each), threads {before['Threads']} -> {during['Threads']}"


def body_of(shape, size):
    """A body of about size bytes in one of three shapes, LF line ends."""
    if shape == "lines":
        line = b"Le remboursement du tiers payant de fevrier est en cours de traitement.\n"
        return line * (size // len(line) + 1)
    if shape == "longline":
        return b"x" * size + b"\n"
    raw = os.urandom(size * 3 // 4)
    return b"--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n" + \
        b"\n".join(base64.encodebytes(raw).splitlines()) + b"\n--b--\n"


def make_message(path, size, shape, key, sender=b"Pharmacie Durand <facturation@pharmacie-durand.fr>"):
    """A DKIM-signed (rsa-2048, relaxed/relaxed) message of about size bytes."""
    ctype = b"multipart/mixed; boundary=b" if shape == "attachment" else b"text/plain"
    msg = (b"From: " + sender + b"\r\n"
           b"To: opticien@example.net\r\nSubject: Releve tiers payant\r\n"
           b"Date: Mon, 05 Feb 2024 10:00:00 +0100\r\n"
           b"Message-ID: <" + str(size).encode() + shape.encode() + b"@pharmacie-durand.fr>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: " + ctype + b"\r\n\r\n" +
           body_of(shape, size).replace(b"\n", b"\r\n"))
    sig = dkim.sign(msg, SELECTOR, DOMAIN, key, canonicalize=(b"relaxed", b"relaxed"),
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    with open(path, "wb") as f:
        f.write((sig + msg).replace(b"\r\n", b"\n"))


def miltergen(peer, path, conns, count, expect="Authentication-Results:dkim=pass"):
    """A miltergen run on peer; its summary (empty if it failed), with the most
    threads the peer had while it ran."""
    most, done = [status(peer.pid)["Threads"]], threading.Event()

    def sample():
        while not done.wait(0.05):
            try:
                most[0] = max(most[0], status(peer.pid)["Threads"])
            except OSError:
                return
    t = threading.Thread(target=sample)
    t.start()
    try:
        p = subprocess.run([MILTERGEN, "-q", "-c", str(conns), "-n", str(count), "-t", "120",
                            "--message-timeout", "600", "-p", str(peer.pid), "-e", expect,
                            "unix:" + peer.sock, path], capture_output=True, text=True)
    finally:
        done.set()
        t.join()
    s = summary(p.stdout)
    if p.returncode != 0 or s.get("errors") != "0":
        return {}
    s["threads"] = most[0]
    return s


def peak(s):
    return "failed" if not s else \
        f"rss peak {int(s['rss_peak_kb']) / 1024:.1f} MB, VmHWM {int(s['hwm_kb']) / 1024:.1f} MB, " \
        f"threads {s['threads']}"


def fresh(kind, work, keys, tag):
    """A started peer in a directory of its own."""
    d = os.path.join(work, f"{kind}-{tag}")
    os.makedirs(d, exist_ok=True)
    if kind == "opendkim":
        p = OpenDKIM(d, keys)
    else:
        p = Vigie(d, keys, dkim="always",
                  extra="Banner none\n" if kind == "vigie-nobanner" else "")
    if not p.start():
        sys.exit(f"{kind} did not start: {p.logtext()}")
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--idle", type=int, default=1000)
    ap.add_argument("--concurrent", type=int, default=100)
    ap.add_argument("--big-mb", type=int, default=10)
    ap.add_argument("--sizes", default="1,10,50")
    ap.add_argument("--shapes", default="lines,longline,attachment")
    ap.add_argument("--peers", default="opendkim,vigie")
    ap.add_argument("--loads", default="idle,big,sizes")
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="vigie-mem-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)    # vigie reads the keys as nobody
    peers = args.peers.split(",")
    loads = args.loads.split(",")
    try:
        keys = dkim_keys(work)
        test_keys = os.path.join(work, "test-keys")
        with open(test_keys, "w") as f:
            f.write(f"{SELECTOR.decode()}._domainkey.{DOMAIN.decode()} {keys['rsa'][1]}\n")
        if "idle" in loads:
            for kind in peers:
                p = fresh(kind, work, test_keys, "idle")
                try:
                    print(f"{kind:14} {idle_load(p, args.idle)}")
                finally:
                    p.stop()
        if "big" in loads:
            path = os.path.join(work, f"big-{args.big_mb}.eml")
            make_message(path, args.big_mb << 20, "lines", keys["rsa"][0])
            for kind in peers:
                p = fresh(kind, work, test_keys, "big")
                try:
                    s = miltergen(p, path, args.concurrent, 2 * args.concurrent)
                    print(f"{kind:14} {args.concurrent} x {args.big_mb} MB at once: {peak(s)}"
                          + (f", {float(s['msg_per_s']):.1f} msg/s" if s else ""))
                finally:
                    p.stop()
        if "flagged" in loads:
            path = os.path.join(work, f"flagged-{args.big_mb}.eml")
            make_message(path, args.big_mb << 20, "lines", keys["rsa"][0],
                         sender=b"Viamedis <securite@xn--viamdis-eya.fr>")
            for kind in peers:
                if kind == "opendkim":
                    continue
                p = fresh(kind, work, test_keys, "flagged")
                try:
                    s = miltergen(p, path, args.concurrent, 2 * args.concurrent,
                                  "X-Vigie-Verdict:impersonation")
                    print(f"{kind:14} {args.concurrent} x {args.big_mb} MB phishing at once: {peak(s)}"
                          + (f", {float(s['msg_per_s']):.1f} msg/s" if s else ""))
                finally:
                    p.stop()
        if "sizes" in loads:
            for shape in args.shapes.split(","):
                for mb in [int(x) for x in args.sizes.split(",")]:
                    path = os.path.join(work, f"{shape}-{mb}.eml")
                    make_message(path, mb << 20, shape, keys["rsa"][0])
                    for kind in peers:
                        p = fresh(kind, work, test_keys, f"{shape}-{mb}")
                        try:
                            # vigie stops hashing a run past 64 KB: neutral
                            ar = "Authentication-Results:dkim=" + \
                                ("neutral" if shape == "longline" and kind.startswith("vigie") else "pass")
                            print(f"{kind:14} {shape:10} {mb:3} MB: "
                                  f"{peak(miltergen(p, path, 1, 2, ar))}")
                        finally:
                            p.stop()
                    os.unlink(path)
                    sys.stdout.flush()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
