#!/usr/bin/python3
"""hostile.py - the hostile messages of tests/hostile/cases.py through
vigie-check and through the running milter, each with its exact outcome.

vigie-check --json FILE: the exit status (0 or 1, never 2 or a signal),
the verdict, the reason codes required and excluded, the caps reported,
the DKIM results, and the time it took (within the case's bound).

The milter (milter/vigie, fed by the load generator contrib/miltergen/miltergen
with the same bytes): the message is accepted, tagged with the verdict
vigie-check gave, its X-Vigie-Reasons names the same codes, its log line
says caps="..." exactly when vigie-check reports a cap hit, and every
header vigie adds is printable ASCII folded with LF TAB, no line over 998
bytes, nothing of what the attacker sent raw (CR, LF, NUL). Then the 50 MB
body again with MaxBodyScan at its maximum (64m): vigie reads it all, its
RSS grows by less than 32 MB, and it answers within the bound.

DKIM keys come from a name server run here that answers what a hostile
server would: the corpus keys, a 16 KB key record in one UDP datagram, a
record that is not base64. Everything runs in a network namespace of its
own when the kernel allows (else on loopback). Prints TAP.
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402

TOP_SRC = os.environ.get("top_srcdir", os.path.dirname(os.path.dirname(HERE)))
TOP_BUILD = os.environ.get("top_builddir", TOP_SRC)
CHECK = os.environ.get("VIGIE_CHECK", os.path.join(TOP_BUILD, "milter/vigie-check"))
VIGIE = os.environ.get("VIGIE", os.path.join(TOP_BUILD, "milter/vigie"))
GEN = os.path.join(TOP_BUILD, "contrib/miltergen/miltergen")
KEYS = os.path.join(TOP_SRC, "tests/data/messages/keys/test-keys")
NOT_THROUGH_MILTERGEN = {"header-1mb-value"}    # a field over its 65,000-byte limit


def private_network():
    """run again inside a network namespace of our own, lo up"""
    if os.environ.get("VIGIE_HOSTILE_NETNS"):
        subprocess.run(["ip", "link", "set", "lo", "up"], stderr=subprocess.DEVNULL)
        return
    for flags in (["-n"], ["-rn"]):
        if subprocess.run(["unshare"] + flags + ["true"], stderr=subprocess.DEVNULL).returncode == 0:
            env = dict(os.environ, VIGIE_HOSTILE_NETNS="1")
            os.execvpe("unshare", ["unshare"] + flags + [sys.executable, os.path.abspath(__file__)], env)


class Tap:
    """TAP lines, the plan at the end"""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, diag=()):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, what))
        if not cond:
            self.failed += 1
            for d in diag:
                for line in str(d).splitlines()[:20]:
                    print("# " + line[:400])
        sys.stdout.flush()
        return cond

    def end(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


class Dns(threading.Thread):
    """a name server that sends whatever record it is given, whole, in one
    UDP datagram whatever the size the client asked for"""

    def __init__(self, records):
        super().__init__(daemon=True)
        self.records = records
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def run(self):
        while True:
            try:
                q, peer = self.sock.recvfrom(4096)
                self.sock.sendto(self.answer(q), peer)
            except OSError:
                return

    def answer(self, q):
        i, labels = 12, []
        while i < len(q) and q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
            i += 1 + q[i]
        question = q[12:i + 5]
        name = ".".join(labels).lower()
        rec = self.records.get(name)
        if rec is None:
            return q[:2] + struct.pack(">HHHHH", 0x8183, 1, 0, 0, 0) + question
        rdata = b"".join(bytes([len(rec[k:k + 255])]) + rec[k:k + 255]
                         for k in range(0, len(rec), 255))
        return (q[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0) + question +
                b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 60, len(rdata)) + rdata)


def key_records():
    """the corpus keys, and the hostile ones"""
    recs = {}
    with open(KEYS, "rb") as f:
        for line in f:
            name, _, rec = line.strip().partition(b" ")
            if name:
                recs[name.decode().lower()] = rec.strip()
    recs.update(cases.KEY_RECORDS)
    return recs


def want_caps(got, want):
    """the caps fields that are not as the case wants, as text"""
    bad = []
    for k, v in want.items():
        g = got.get(k)
        if isinstance(v, tuple):
            if not (g is not None and g > v[1]):
                bad.append("%s=%s, wanted > %s" % (k, g, v[1]))
        elif g != v:
            bad.append("%s=%s, wanted %s" % (k, g, v))
    return bad


def check_case(t, c, path, conf):
    """one case through vigie-check; returns its verdict and whether a cap
    was hit (None, None when it could not tell)"""
    t0 = time.monotonic()
    try:
        p = subprocess.run([CHECK, "--json", "--config", conf, path], capture_output=True,
                           timeout=c["secs"] * 5)
    except subprocess.TimeoutExpired:
        t.ok(False, "vigie-check %s: ends" % c["name"], ["killed after %d s" % (c["secs"] * 5)])
        return None, None
    ms = (time.monotonic() - t0) * 1000
    try:
        j = json.loads(p.stdout.decode("utf-8"))
    except ValueError as e:
        t.ok(False, "vigie-check %s: one JSON object" % c["name"], [e, p.stdout[:300], p.stderr[:300]])
        return None, None
    codes = [r["code"] for r in j["reasons"]]
    dkim = [d["result"] for d in j["dkim"]]
    why = []
    if p.returncode != (0 if j["verdict"] == "clean" else 1):
        why.append("exit status %d" % p.returncode)
    if j["verdict"] != c["verdict"]:
        why.append("verdict %s, wanted %s" % (j["verdict"], c["verdict"]))
    why += ["no %s finding" % k for k in c.get("codes", []) if k not in codes]
    why += ["a %s finding" % k for k in c.get("absent", []) if k in codes]
    why += want_caps(j["caps"], c.get("caps", {}))
    if c.get("dkim") == "nopass":
        if not dkim or "pass" in dkim:
            why.append("DKIM %s: wanted signatures, none passing" % dkim)
    elif c.get("dkim") is not None and dkim[:len(c["dkim"])] != c["dkim"]:
        why.append("DKIM %s, wanted %s first" % (dkim, c["dkim"]))
    if ms > c["secs"] * 1000:
        why.append("took %.0f ms, over %d s" % (ms, c["secs"]))
    caps = ",".join("%s=%s" % (k, v) for k, v in sorted(j["caps"].items())
                    if v and k not in ("hit", "detail", "body_cut"))
    t.ok(not why, "vigie-check %s: %s %s%s%s in %.0f ms" % (
        c["name"], j["verdict"], ",".join(codes) or "-",
        " dkim=" + ",".join(map(str, dkim)) if dkim else "", " caps " + caps if caps else "", ms),
        why + [p.stderr.decode("utf-8", "replace")])
    return j["verdict"], j["caps"]["hit"]


def unescape(v):
    """a value as miltergen --actions wrote it"""
    out, i = [], 0
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v):
            nxt = v[i + 1]
            if nxt == "x":
                out.append(chr(int(v[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(nxt, nxt))
            i += 2
            continue
        out.append(v[i])
        i += 1
    return "".join(out)


def header_faults(name, value):
    """what is wrong with a header value vigie added (empty: nothing)"""
    bad = []
    for ch in value:
        o = ord(ch)
        if ch == "\n":
            continue
        if o < 0x20 and ch != "\t" or o >= 0x7f:
            bad.append("byte 0x%02x in %s" % (o, name))
            break
    for k, line in enumerate(value.split("\n")):
        if k and not line.startswith("\t"):
            bad.append("%s: a line break that does not fold" % name)
        if len(line) + (len(name) + 2 if k == 0 else 0) > 998:
            bad.append("%s: a line of %d bytes" % (name, len(line)))
    return bad


def read_actions(path):
    """miltergen --actions: {file: {"decision": d, "headers": [(name, value)]}}"""
    got = {}
    if not os.path.exists(path):
        return got
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            m = got.setdefault(os.path.basename(parts[0]), {"decision": None, "headers": [], "errors": []})
            if parts[1] == "verdict":
                m["decision"] = parts[2]
            elif parts[1] in ("addheader", "insheader", "chgheader"):
                m["headers"].append((parts[3], unescape(parts[4]).lstrip(" ")))
            elif parts[1] == "error":
                m["errors"].append(line)
    return got


def start_vigie(tmp, name, extra):
    """vigie -f on tmp/NAME.sock; returns the process"""
    conf = os.path.join(tmp, name + ".conf")
    with open(conf, "w") as f:
        f.write(base_conf() + "Socket local:%s/%s.sock\nPidFile %s/%s.pid\nInternalHosts none\n"
                "AuthservID mx.hostile.test\n%s" % (tmp, name, tmp, name, extra))
    log = open(os.path.join(tmp, name + ".log"), "w")
    p = subprocess.Popen([VIGIE, "-f", "-c", conf], stderr=log)
    for _ in range(200):
        if os.path.exists(os.path.join(tmp, name + ".sock")) and os.path.exists(os.path.join(tmp, name + ".pid")):
            return p
        time.sleep(0.05)
    raise RuntimeError("vigie did not start: " + open(log.name).read())


def summary(text):
    """miltergen's summary line as a dict"""
    for line in text.splitlines():
        if line.startswith("summary "):
            return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    return {}


def sanitized(prog):
    """whether prog was built with AddressSanitizer"""
    out = subprocess.run(["ldd", prog], capture_output=True).stdout
    return b"libasan" in out


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


DNS_PORT = 0


def base_conf():
    return ("Syslog no\nDKIMVerify always\nDNSTimeout 2\nNameservers 127.0.0.1:%d\n" % DNS_PORT)


def milter_cases(t, tmp, corpus, verdicts):
    """every case but those miltergen cannot send, through a running vigie"""
    mdir = os.path.join(tmp, "milter")
    os.mkdir(mdir)
    for c in cases.CASES:
        if c["name"] not in NOT_THROUGH_MILTERGEN:
            os.symlink(os.path.join(corpus, c["name"] + ".eml"), os.path.join(mdir, c["name"] + ".eml"))
    v = start_vigie(tmp, "vigie", "")
    try:
        acts = os.path.join(tmp, "actions")
        p = subprocess.run([GEN, "-q", "-c", "1", "-t", "30", "--message-timeout", "60",
                            "--actions", acts, "-p", str(v.pid), "-e", "X-Vigie-Verdict",
                            "unix:" + os.path.join(tmp, "vigie.sock"), mdir],
                           capture_output=True, timeout=600)
        s = summary(p.stdout.decode())
        t.ok(p.returncode == 0 and s.get("errors") == "0",
             "miltergen: %s hostile messages through vigie, no error, slowest %s ms, RSS peak %s kB" % (
                 s.get("messages"), s.get("max_ms"), s.get("rss_peak_kb")),
             [p.stdout.decode()[-600:], p.stderr.decode()[-600:]])
        got = read_actions(acts)
        # one log line a message, in the order sent: the corpus sorted by name
        with open(os.path.join(tmp, "vigie.log")) as f:
            lines = [x for x in f if " verdict=" in x]
        order = sorted(c["name"] for c in cases.CASES if c["name"] not in NOT_THROUGH_MILTERGEN)
        by_name = dict(zip(order, lines))
        for c in cases.CASES:
            logged = [by_name.get(c["name"], "")]
            if c["name"] in NOT_THROUGH_MILTERGEN:
                continue
            m = got.get(c["name"] + ".eml", {"decision": None, "headers": [], "errors": ["no actions"]})
            hv = dict(m["headers"])
            why = list(m["errors"])
            if m["decision"] not in ("accept", "continue"):
                why.append("decision %s" % m["decision"])
            kind = hv.get("X-Vigie-Verdict", "(none)").split(" ")[0]
            said, capped = verdicts.get(c["name"], (None, None))
            if kind != said:
                why.append("X-Vigie-Verdict %r, vigie-check said %s" % (hv.get("X-Vigie-Verdict"), said))
            line = logged.pop(0) if logged else ""
            if (" caps=\"" in line) != bool(capped):
                why.append("log line %s caps=, vigie-check %s a cap: %s" % (
                    "with" if " caps=\"" in line else "without", "hit" if capped else "hit no", line[-300:]))
            reasons = hv.get("X-Vigie-Reasons", "").replace("\n\t", " ")
            why += ["no %s in X-Vigie-Reasons" % k for k in c.get("codes", [])
                    if not any(w == k for w in reasons.replace(";", " ").split())]
            for name, value in m["headers"]:
                why += header_faults(name, value)
            t.ok(not why, "milter %s: accepted, X-Vigie-Verdict %s, %d header%s added, all clean ASCII%s" % (
                c["name"], kind, len(m["headers"]), "" if len(m["headers"]) == 1 else "s",
                ", caps logged" if capped else ""),
                why + ["%s: %s" % h for h in m["headers"]])
        t.ok(v.poll() is None, "vigie is still running after the hostile corpus")
    finally:
        v.terminate()
        rc = v.wait(timeout=30)
    t.ok(rc == 0, "vigie stops cleanly on SIGTERM (exit status %d)" % rc)
    # the 50 MB body read to the end: MaxBodyScan at its maximum
    big = [c for c in cases.CASES if c["name"] == "mime-50mb-body"][0]
    v = start_vigie(tmp, "wide", "MaxBodyScan 64m\n")
    try:
        before = rss_kb(v.pid)
        p = subprocess.run([GEN, "-q", "-t", "30", "-p", str(v.pid), "-e", "X-Vigie-Verdict",
                            "unix:" + os.path.join(tmp, "wide.sock"), os.path.join(corpus, "mime-50mb-body.eml")],
                           capture_output=True, timeout=600)
        s = summary(p.stdout.decode())
        peak = int(s.get("rss_peak_kb", "0") or 0)
        # AddressSanitizer keeps freed memory aside (its quarantine): no bound then
        bounded = sanitized(VIGIE) or peak - before < 32 * 1024
        t.ok(p.returncode == 0 and s.get("errors") == "0" and bounded and
             float(s.get("max_ms", "1e9")) < big["secs"] * 1000,
             "milter, MaxBodyScan 64m: the 50 MB body read whole in %s ms, RSS %d kB before, peak %d kB%s" % (
                 s.get("max_ms"), before, peak, " (ASan: not bounded)" if sanitized(VIGIE) else ""),
             [p.stdout.decode()[-600:], p.stderr.decode()[-600:]])
    finally:
        v.terminate()
        rc = v.wait(timeout=30)
    t.ok(rc == 0, "vigie (MaxBodyScan 64m) stops cleanly on SIGTERM (exit status %d)" % rc)


def smtp_send(port, rcpt, data):
    """one message over SMTP, its bytes as they are (bare CR and NUL kept:
    only lines starting with a dot are doubled); the reply to DATA's end"""
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    f = s.makefile("rb")

    def reply():
        line = f.readline()
        while line[3:4] == b"-":
            line = f.readline()
        return line.decode("ascii", "replace").strip()

    reply()
    for cmd in (b"EHLO client.hostile.test", b"MAIL FROM:<bounce@mailer.example.net>",
                b"RCPT TO:<%s>" % rcpt.encode(), b"DATA"):
        s.sendall(cmd + b"\r\n")
        r = reply()
        if not r.startswith(("2", "3")):
            s.close()
            return r
    body = data if data.endswith(b"\r\n") else data + b"\r\n"
    body = body.replace(b"\r\n.", b"\r\n..")
    if body.startswith(b"."):
        body = b"." + body
    s.sendall(body + b".\r\n")
    r = reply()
    s.sendall(b"QUIT\r\n")
    s.close()
    return r


def sink_headers(sink, rcpt):
    """the header block of the message for rcpt at the sink, unfolded lines kept"""
    for name in os.listdir(sink):
        with open(os.path.join(sink, name), "rb") as f:
            data = f.read()
        if b"X-Rcpt-Args: <%s>" % rcpt.encode() in data:
            return data.split(b"\n\n", 1)[0].decode("latin-1")
    return None


def postfix_mode(port, sink, first):
    """every case through a running Postfix (tests/e2e/hostile.sh): TAP
    lines numbered from first, then "# ran N failed F" """
    t = Tap()
    t.n = first - 1
    tmp = tempfile.mkdtemp(prefix="vigie-hostile-pf.")
    try:
        corpus = os.path.join(tmp, "corpus")
        cases.write_all(corpus)
        for c in cases.CASES:
            rcpt = "%s@hostile.example.net" % c["name"]
            t0 = time.monotonic()
            r = smtp_send(port, rcpt, c["data"])
            ms = (time.monotonic() - t0) * 1000
            head = None
            for _ in range(600):
                head = sink_headers(sink, rcpt)
                if head is not None:
                    break
                time.sleep(0.1)
            why = []
            if not r.startswith("250"):
                why.append("Postfix said %s" % r)
            if head is None:
                why.append("not delivered")
                head = ""
            fields = []
            for line in head.split("\n"):
                if line[:1] in (" ", "\t") and fields:
                    fields[-1] += "\n" + line
                else:
                    fields.append(line)
            ours = [(fl.split(":", 1)[0], fl.split(":", 1)[1].lstrip(" ")) for fl in fields
                    if fl.lower().startswith(("x-vigie-", "authentication-results: mx.hostile.test"))]
            verdicts = [v for n, v in ours if n.lower() == "x-vigie-verdict"]
            if len(verdicts) != 1:
                why.append("%d X-Vigie-Verdict fields" % len(verdicts))
            for name, value in ours:
                why += header_faults(name, value)
            t.ok(not why, "Postfix %s: 250, delivered, one X-Vigie-Verdict (%s), vigie's headers clean, in %.0f ms" % (
                c["name"], (verdicts or ["none"])[0].split(" ")[0], ms), why + ours)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("# ran %d failed %d" % (t.n - first + 1, t.failed))
    return 1 if t.failed else 0


def main():
    global DNS_PORT
    if len(sys.argv) == 5 and sys.argv[1] == "postfix":
        return postfix_mode(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    private_network()
    t = Tap()
    for prog in (CHECK, VIGIE, GEN):
        if not os.access(prog, os.X_OK):
            print("1..0 # SKIP %s is not built" % prog)
            return 0
    tmp = tempfile.mkdtemp(prefix="vigie-hostile.")
    try:
        if os.geteuid() == 0:
            os.chmod(tmp, 0o755)
            shutil.chown(tmp, "nobody")
        dns = Dns(key_records())
        dns.start()
        DNS_PORT = dns.port
        corpus = os.path.join(tmp, "corpus")
        cases.write_all(corpus)
        conf = os.path.join(tmp, "check.conf")
        with open(conf, "w") as f:
            f.write(base_conf())
        verdicts = {}
        for c in cases.CASES:
            verdicts[c["name"]] = check_case(t, c, os.path.join(corpus, c["name"] + ".eml"), conf)
        milter_cases(t, tmp, corpus, verdicts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.end()


if __name__ == "__main__":
    sys.exit(main())
