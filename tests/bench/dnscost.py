#!/usr/bin/python3
"""dnscost - what SPF and DMARC cost in DNS: queries and latency per message,
with and without a local caching resolver.

    tests/bench/dnscost.py [--corpus 300] [--rtt 20] [--runs 2] [--keep DIR]
                           [--verify brands,always] [--resolvers direct,unbound,zone]

Runs as root, in a network namespace of its own (unshare -n: nothing leaves
the machine). A gencorpus.py corpus (the real mix: natural sizes, 30 %
signed), split into brand mail (the platforms' own, From a brand's domain:
what SPFVerify brands checks) and ordinary mail (everything else), gets
its DNS from benchzone.py: SPF records of one to five lookups, DMARC
records, DKIM keys. dnsmasq publishes them on 127.0.0.2 behind a proxy on
127.0.0.3 that holds every query --rtt milliseconds (a name server that far
away) and counts them; Debian's unbound on 127.0.0.4 forwards to that proxy
and caches within the records' TTL (3600 s). vigie is run with:

  direct   Nameservers 127.0.0.3: no cache between vigie and the far server
  unbound  Nameservers 127.0.0.4: the local caching resolver
  zone     TestDNS: the records in memory, no query at all (what a cache
           inside vigie would give at best)

each with SPFVerify and DKIMVerify brands (the defaults) and always. Each
class of mail is sent --runs times by miltergen, one message at a time,
one connection a message, from 192.0.2.10 with the Return-Path as MAIL
FROM; unbound restarts empty for each class, so run 1 is a cold cache and
the others warm. Printed for each: vigie's DNS queries a message (its
vigie_dns_queries_total), the queries that left for the far server a
message (the proxy's count), latency p50/p90/p99 and mean (MAIL to verdict,
miltergen), vigie's CPU and unbound's a message.
"""

import argparse
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
from benchzone import zone  # noqa: E402
from taputil import GENCORPUS, MILTERGEN, PYTHON3, SRC, summary  # noqa: E402
from vigiepeer import Vigie  # noqa: E402

AUTHORITY = "127.0.0.2"
PROXY = "127.0.0.3"
CACHE = "127.0.0.4"
CLIENT = "192.0.2.10"


class Proxy:
    """A DNS forwarder to AUTHORITY that holds each query rtt seconds and counts them."""

    def __init__(self, rtt):
        self.rtt = rtt
        self.count = 0
        self.lock = threading.Lock()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((PROXY, 53))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((PROXY, 53))
        self.tcp.listen(64)
        for loop in (self.udp_loop, self.tcp_loop):
            threading.Thread(target=loop, daemon=True).start()

    def counted(self):
        with self.lock:
            self.count += 1

    def udp_loop(self):
        while True:
            q, peer = self.udp.recvfrom(65535)
            self.counted()
            threading.Thread(target=self.udp_one, args=(q, peer), daemon=True).start()

    def udp_one(self, q, peer):
        time.sleep(self.rtt)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        try:
            s.sendto(q, (AUTHORITY, 53))
            self.udp.sendto(s.recv(65535), peer)
        except OSError:
            pass
        finally:
            s.close()

    def tcp_loop(self):
        while True:
            c, _ = self.tcp.accept()
            threading.Thread(target=self.tcp_one, args=(c,), daemon=True).start()

    def tcp_one(self, c):
        def read(sock, n):
            b = b""
            while len(b) < n:
                chunk = sock.recv(n - len(b))
                if not chunk:
                    raise OSError("closed")
                b += chunk
            return b
        try:
            with c:
                n = struct.unpack("!H", read(c, 2))[0]
                q = read(c, n)
                self.counted()
                time.sleep(self.rtt)
                with socket.create_connection((AUTHORITY, 53), timeout=5) as s:
                    s.sendall(struct.pack("!H", len(q)) + q)
                    m = struct.unpack("!H", read(s, 2))[0]
                    c.sendall(struct.pack("!H", m) + read(s, m))
        except OSError:
            pass


def listening(addr, kind=socket.SOCK_DGRAM):
    """Whether a name server answers a query for "." on addr."""
    q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x00\x00\x02\x00\x01"
    s = socket.socket(socket.AF_INET, kind)
    s.settimeout(0.2)
    try:
        s.sendto(q, (addr, 53))
        return len(s.recv(512)) >= 12
    except OSError:
        return False
    finally:
        s.close()


def start(cmd, work, name, addr):
    """A server in the foreground, its output to work/name.log; waits until addr answers."""
    log = open(os.path.join(work, name + ".log"), "w")
    p = subprocess.Popen(cmd, stdout=log, stderr=log)
    for _ in range(100):
        if listening(addr):
            return p
        if p.poll() is not None:
            break
        time.sleep(0.05)
    sys.exit(f"{name} did not start: see {work}/{name}.log")


def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def unbound_conf(work):
    path = os.path.join(work, "unbound.conf")
    with open(path, "w") as f:
        f.write(f"""server:
    interface: {CACHE}
    port: 53
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    username: ""
    chroot: ""
    directory: "{work}"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    num-threads: 1
    module-config: "iterator"
    qname-minimisation: no
    prefetch: no
forward-zone:
    name: "."
    forward-addr: {PROXY}@53
""")
    return path


def metric(sock, name):
    """One counter from vigie's /metrics (HTTP over its unix socket)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(sock)
    s.sendall(b"GET /metrics HTTP/1.0\r\nHost: vigie\r\n\r\n")
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    for line in data.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def corpus(work, count):
    """(brand messages directory, ordinary messages directory, zone file)."""
    d = os.path.join(work, "corpus")
    subprocess.run([PYTHON3, GENCORPUS, "--count", str(count), "--signed", "0.3", d],
                   check=True, stdout=subprocess.DEVNULL)
    dirs = {"brand": os.path.join(work, "brand"), "ordinary": os.path.join(work, "ordinary")}
    for x in dirs.values():
        os.makedirs(x, exist_ok=True)
    with open(os.path.join(d, "manifest.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            path, kind = line.split("\t")[:2]
            os.link(os.path.join(d, path),
                    os.path.join(dirs["brand" if kind == "brand" else "ordinary"],
                                 os.path.basename(path)))
    z = os.path.join(work, "zone")
    with open(z, "w") as f:
        f.write("\n".join(zone(d, CLIENT)) + "\n")
    return dirs, z


def cpu(pid):
    """utime+stime of a process, seconds (0 without one)."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(peer, sock, msgdir, proxy, cache):
    """One pass of msgdir through vigie; the figures of it."""
    n = len(os.listdir(msgdir))
    q0, u0, c0 = metric(sock, "vigie_dns_queries_total"), proxy.count, cpu(cache)
    cmd = [MILTERGEN, "-q", "-c", "1", "-m", "1", "-n", str(n), "-p", str(peer.pid),
           "--client-addr", CLIENT, "--helo", "mail.example.net", "-e", "X-Vigie-Verdict",
           "unix:" + peer.sock, msgdir]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    s = summary(p.stdout)
    if p.returncode != 0 or s.get("errors") != "0":
        sys.exit("miltergen failed: " + p.stdout + p.stderr)
    q1, u1, c1 = metric(sock, "vigie_dns_queries_total"), proxy.count, cpu(cache)
    return {"n": n, "queries": (q1 - q0) / n, "upstream": (u1 - u0) / n,
            "cache_cpu": (c1 - c0) * 1000.0 / n,
            "p50": float(s["p50_ms"]), "p90": float(s["p90_ms"]), "p99": float(s["p99_ms"]),
            "mean": 1000.0 / float(s["msg_per_s"]), "cpu": float(s["cpu_s_per_1000"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=int, default=300, help="messages in the corpus")
    ap.add_argument("--rtt", type=float, default=20.0, help="ms the far name server takes")
    ap.add_argument("--runs", type=int, default=2, help="passes over each class (1 = cold)")
    ap.add_argument("--keep", help="work in this directory and keep it")
    ap.add_argument("--verify", default="brands,always", help="SPFVerify and DKIMVerify modes")
    ap.add_argument("--resolvers", default="direct,unbound,zone")
    args = ap.parse_args()
    if any(m not in ("brands", "always") for m in args.verify.split(",")):
        ap.error("--verify: brands, always")
    if any(r not in ("direct", "unbound", "zone") for r in args.resolvers.split(",")):
        ap.error("--resolvers: direct, unbound, zone")
    dnsmasq = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
    unbound = shutil.which("unbound") or "/usr/sbin/unbound"
    if os.geteuid() != 0 or not os.access(dnsmasq, os.X_OK) or not os.access(unbound, os.X_OK):
        sys.exit("dnscost.py runs as root and needs dnsmasq and unbound (Debian dnsmasq-base, unbound)")
    if not os.environ.get("VIGIE_DNSCOST_NETNS"):
        os.environ["VIGIE_DNSCOST_NETNS"] = "1"
        os.execvp("unshare", ["unshare", "-n", "--", sys.executable, *sys.argv])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    work = args.keep or tempfile.mkdtemp(prefix="vigie-dnscost-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)    # vigie reads the zone as nobody
    procs = []
    try:
        dirs, zfile = corpus(work, args.corpus)
        conf = subprocess.run([PYTHON3, os.path.join(SRC, "tests", "data", "auth", "zone2dnsmasq.py"),
                               zfile, "9", "9"], check=True, capture_output=True, text=True).stdout
        with open(os.path.join(work, "dnsmasq.conf"), "w") as f:
            f.write(conf)
        procs.append(start([dnsmasq, "--no-daemon", "--conf-file=" + os.path.join(work, "dnsmasq.conf"),
                            "--no-resolv", "--no-hosts", "--bind-interfaces", "--user=root",
                            "--listen-address=" + AUTHORITY, "--port=53", "--local-ttl=3600",
                            "--cache-size=0"], work, "dnsmasq", AUTHORITY))
        proxy = Proxy(args.rtt / 1000.0)
        uconf = unbound_conf(work)
        print(f"far name server {args.rtt:g} ms away; {args.runs} pass(es) a class, "
              f"run 1 with unbound's cache empty; per message: vigie's queries, queries "
              f"that left for the far server, latency ms (p50/p90/p99, mean), CPU ms of vigie "
              f"and of unbound")
        print(f"{'mail':9} {'verify':7} {'resolver':8} {'run':>3} {'msgs':>5} {'queries':>8} "
              f"{'far':>6} {'p50':>7} {'p90':>7} {'p99':>7} {'mean':>7} {'cpu':>6} {'unbound':>7}")
        for mode in args.verify.split(","):
            for resolver in args.resolvers.split(","):
                d = os.path.join(work, f"{mode}-{resolver}")
                os.makedirs(d, exist_ok=True)
                os.chmod(d, 0o777)
                sock = os.path.join(d, "metrics.sock")
                dns = {"direct": f"Nameservers {PROXY}\n", "unbound": f"Nameservers {CACHE}\n",
                       "zone": f"TestDNS {zfile}\n"}[resolver]
                peer = Vigie(d, None, dkim=mode, netless=False,
                             extra=f"SPFVerify {mode}\n{dns}StatsSocket local:{sock}\nUMask 000\n")
                if not peer.start():
                    sys.exit(f"vigie did not start: {peer.logtext()}")
                try:
                    for cls in ("brand", "ordinary"):
                        ub = None
                        if resolver == "unbound":
                            ub = start([unbound, "-d", "-c", uconf], work, "unbound", CACHE)
                        try:
                            for i in range(1, args.runs + 1):
                                r = run(peer, sock, dirs[cls], proxy, ub.pid if ub else None)
                                print(f"{cls:9} {mode:7} {resolver:8} {i:>3} {r['n']:>5} "
                                      f"{r['queries']:>8.2f} {r['upstream']:>6.2f} {r['p50']:>7.2f} "
                                      f"{r['p90']:>7.2f} {r['p99']:>7.2f} {r['mean']:>7.2f} "
                                      f"{r['cpu']:>6.3f} " +
                                      (f"{r['cache_cpu']:>6.3f}" if ub else f"{'-':>6}"))
                                sys.stdout.flush()
                        finally:
                            if ub is not None:
                                stop(ub)
                finally:
                    peer.stop()
    finally:
        for p in procs:
            stop(p)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
