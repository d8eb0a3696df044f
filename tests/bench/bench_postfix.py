#!/usr/bin/python3
"""bench_postfix - a real Postfix with vigie, with no milter, and with opendkim, side by side.

    tests/bench/bench_postfix.py [--modes nomilter,vigie,vigie-inet,opendkim,opendkim-inet]
                                 [--runs 5] [--messages 2000] [--sessions 10]
                                 [--dkim always|brands] [--quickack] [--capture DIR]
                                 [--keep]

Root only. Runs inside `unshare -n` (only loopback exists; nothing leaves the
machine). One private Postfix instance (postfix -c DIR) relays to smtp-sink;
each mode is an smtpd service of its own on that instance: no milter, vigie
on a unix socket, vigie on a loopback TCP socket, opendkim (verify mode,
AlwaysAddARHeader, TestPublicKeys) on a unix or TCP socket, and (modes null,
null-inet) tests/bench/nullmilter, a libmilter filter that analyses
nothing: the floor of any libmilter filter. smtp-source
sends --messages messages over --sessions parallel SMTP sessions (one
message per session, so one milter connection per message, as an MX
sees), a 4 KB message from gencorpus.py (--signed: the same mix, DKIM
signed). Modes alternate run by run. For each mode: injection msg/s (the
time smtp-source takes: Postfix answers DATA only after the milter's
verdict), end-to-end msg/s (until the last message reached smtp-sink), the
milter's CPU ms per message, Postfix's (master and its children), and the
ratio of injection msg/s to the no-milter run of the same round.

Every run must deliver every message, and with a milter every delivered
message must carry its header (X-Vigie-Verdict, or opendkim's
Authentication-Results), else its figures are not printed.

--quickack turns delayed ACKs off on the namespace's loopback route (what
an admin can do on the MTA host: `ip route replace local 127.0.0.0/8 dev lo
table local ... quickack 1`). --capture DIR records one short run of each TCP mode with tshark (capture
filter: the milter's port) into DIR/MODE.pcap and counts the delayed-ACK
stalls in it, by the side whose data waited (modes null-inet-nagle and
null-inet-nodata turn off one of vigie's two counter-measures each).
Stops only what it started, by PID.
"""

import argparse
import glob
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opendkimpeer import OpenDKIM  # noqa: E402
from taputil import GENCORPUS, PYTHON3  # noqa: E402
from vigiepeer import NullMilter, Vigie, _alive as alive  # noqa: E402

POSTFIX = "/usr/sbin/postfix"
SMTP_SINK = "/usr/sbin/smtp-sink"
SMTP_SOURCE = "/usr/sbin/smtp-source"
PORT_BASE = 10000
PORT_SINK = 10030
MODES = ["nomilter", "vigie", "vigie-inet", "opendkim", "opendkim-inet", "null", "null-inet",
         "null-inet-nagle", "null-inet-nodata"]
# nullmilter's options per mode: two headers, as vigie adds to clean mail
NULL_OPTIONS = {"null": ["-H", "2"], "null-inet": ["-H", "2"],
                "null-inet-nagle": ["-H", "2", "-n"], "null-inet-nodata": ["-H", "2", "-d"]}
HEADER = {"vigie": b"X-Vigie-Verdict:", "opendkim": b"Authentication-Results:",
          "null": b"X-Null-Milter:"}

# the services every test Postfix runs, shared with tests/e2e
MAIN_CF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e",
                       "main-common.cf")
MASTER_CF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e",
                         "master-services.cf")


def netns():
    """Re-run this script in a network namespace of its own, with lo up."""
    if os.environ.get("VIGIE_BENCH_NETNS"):
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        return
    if subprocess.run(["unshare", "-n", "true"], stderr=subprocess.DEVNULL).returncode != 0:
        sys.exit("bench_postfix: unshare -n does not work here")
    os.environ["VIGIE_BENCH_NETNS"] = "1"
    os.execvp("unshare", ["unshare", "-n", sys.executable] + sys.argv)


def quickack():
    """No delayed ACKs on loopback (a per-route setting, as an admin would do it)."""
    for dst in ("127.0.0.0/8", "127.0.0.1"):
        subprocess.run(["ip", "route", "replace", "local", dst, "dev", "lo", "table", "local",
                        "proto", "kernel", "scope", "host", "src", "127.0.0.1", "quickack", "1"],
                       check=True)


def cpu_of(pid):
    """utime + stime of a process, its reaped children too, in seconds (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def faults_of(pid):
    """Minor page faults of a process so far (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[7])
    except OSError:
        return 0


def tree_cpu(root):
    """CPU seconds of root (with its reaped children) and of its live children."""
    total = cpu_of(root)
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(root):
            total += sum(int(x) for x in fields[11:13]) / os.sysconf("SC_CLK_TCK")
    return total


class Bed:
    """The private Postfix, smtp-sink and the milters, in work."""

    def __init__(self, work, args):
        self.work, self.args = work, args
        self.q, self.sink = os.path.join(work, "queue"), os.path.join(work, "sink")
        self.conf = os.path.join(work, "conf")
        self.run = os.path.join(work, "run")
        for d in (self.q, self.sink, self.conf, self.run, os.path.join(work, "data")):
            os.makedirs(d, exist_ok=True)
        os.chmod(work, 0o755)
        shutil.chown(os.path.join(work, "data"), "postfix", "postfix")
        shutil.chown(self.sink, "postfix", "postfix")
        shutil.chown(self.run, "nobody")
        self.milters, self.sink_proc, self.master = {}, None, None

    def port(self, mode):
        return PORT_BASE + MODES.index(mode)

    def start_milters(self, keys):
        """vigie and opendkim, each on the sockets the modes need."""
        for mode in self.args.modes:
            if mode == "nomilter":
                continue
            kind, tcp = mode.partition("-")[0], "-inet" in mode
            d = os.path.join(self.run, mode)
            os.makedirs(d, exist_ok=True)
            shutil.chown(d, "nobody")
            os.chmod(d, 0o755)
            spec = f"inet:{self.port(mode) + 100}@127.0.0.1" if tcp else None
            if kind == "null":
                m = NullMilter(d, socket_spec=spec, netless=False, options=NULL_OPTIONS[mode])
            elif kind == "vigie":
                m = Vigie(d, keys, dkim=self.args.dkim, socket_spec=spec, authserv="mx.bench.test",
                          netless=False)
            else:
                m = OpenDKIM(d, keys, authserv="mx.bench.test", socket_spec=spec, umask="000",
                             netless=False)
            if not m.start():
                raise RuntimeError(f"{mode} did not start: {m.logtext()}")
            self.milters[mode] = m

    def milter_uri(self, mode):
        """smtpd_milters for a mode (Postfix writes inet:host:port)."""
        if mode == "nomilter":
            return ""
        m = self.milters[mode]
        if m.spec.startswith("local:"):
            return "unix:" + m.spec[6:]
        port, _, host = m.spec.split(":", 1)[1].partition("@")
        return f"inet:{host}:{port}"

    def start_postfix(self):
        """smtp-sink, then Postfix with one smtpd per mode."""
        self.sink_proc = subprocess.Popen(
            [SMTP_SINK, "-u", "postfix", "-d", os.path.join(self.sink, "%H%M%S."), "-m", "500",
             f"127.0.0.1:{PORT_SINK}", "1000"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            with open(MAIN_CF) as common:
                f.write(common.read())
            f.write(f"""queue_directory = {self.q}
data_directory = {self.work}/data
myhostname = mx.bench.test
mydomain = bench.test
relayhost = [127.0.0.1]:{PORT_SINK}
maillog_file = {self.work}/maillog
milter_default_action = tempfail
default_destination_concurrency_limit = 20
""")
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            for mode in self.args.modes:
                f.write(f"127.0.0.1:{self.port(mode)} inet n - n - - smtpd\n"
                        f"  -o smtpd_milters={self.milter_uri(mode)}\n")
            with open(MASTER_CF) as services:
                f.write(services.read())
        subprocess.run([POSTFIX, "-c", self.conf, "check"], check=True)
        subprocess.run([POSTFIX, "-c", self.conf, "start"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(self.q, "pid", "master.pid")) as f:
            self.master = int(f.read().strip())
        time.sleep(1)

    def queued(self):
        n = 0
        for sub in ("maildrop", "incoming", "active", "deferred", "hold"):
            for _, _, files in os.walk(os.path.join(self.q, sub)):
                n += len(files)
        return n

    def delivered(self):
        return len(os.listdir(self.sink))

    def wait_drain(self, want, timeout=600):
        """Until the queue is empty and the sink holds want messages; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.queued() == 0 and self.delivered() >= want:
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        if self.master:
            subprocess.run([POSTFIX, "-c", self.conf, "stop"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            for _ in range(100):
                if not alive(self.master):
                    break
                time.sleep(0.1)
        for m in self.milters.values():
            m.stop()
        if self.sink_proc:
            self.sink_proc.send_signal(signal.SIGTERM)
            self.sink_proc.wait()


def one(bed, mode, msgfile, count, sessions):
    """One smtp-source run into mode's smtpd; its figures, or an error text."""
    shutil.rmtree(bed.sink)
    os.makedirs(bed.sink)
    shutil.chown(bed.sink, "postfix", "postfix")
    milter = bed.milters.get(mode)
    m0 = cpu_of(milter.pid) if milter else 0.0
    f0 = faults_of(milter.pid) if milter else 0
    p0 = tree_cpu(bed.master)
    t0 = time.monotonic()
    p = subprocess.run([SMTP_SOURCE, "-s", str(sessions), "-m", str(count), "-F", msgfile,
                        "-f", "sender@bench.example", "-t", "rcpt@bench.example",
                        "-M", "client.bench.example", f"127.0.0.1:{bed.port(mode)}"],
                       capture_output=True, text=True)
    t1 = time.monotonic()
    drained = bed.wait_drain(count)
    t2 = time.monotonic()
    m1 = cpu_of(milter.pid) if milter else 0.0
    f1 = faults_of(milter.pid) if milter else 0
    p1 = tree_cpu(bed.master)
    if p.returncode != 0 or not drained:
        return f"smtp-source exit {p.returncode}, {bed.delivered()}/{count} delivered: " + \
            (p.stderr or p.stdout)[-300:]
    kind = mode.partition("-")[0]
    if kind in HEADER:
        for f in os.listdir(bed.sink):
            with open(os.path.join(bed.sink, f), "rb") as fh:
                head = fh.read(65536).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
            if HEADER[kind].lower() not in head.lower():
                return f"{f}: no {HEADER[kind].decode()} header"
    return {"inject": count / (t1 - t0), "e2e": count / (t2 - t0),
            "milter_ms": (m1 - m0) * 1000 / count, "faults": (f1 - f0) / count,
            "postfix_ms": (p1 - p0) * 1000 / count}


def capture(bed, mode, msgfile, path, count, sessions):
    """One run of mode under tshark (capture filter: the milter's port); its figures."""
    port = bed.port(mode) + 100
    tshark = subprocess.Popen(["tshark", "-q", "-i", "lo", "-f", f"tcp port {port}", "-w", path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    try:
        return one(bed, mode, msgfile, count, sessions)
    finally:
        time.sleep(1)
        tshark.send_signal(signal.SIGINT)
        tshark.wait()


def stalls(path, port, count):
    """Delayed-ACK stalls in a capture: a gap of 20 ms or more that ends with a
    bare ACK from one side, at once followed by data the other side held back
    (Nagle waits for that ACK). Counted by the side whose data waited."""
    out = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.time_relative",
                          "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.len"],
                         capture_output=True, text=True).stdout
    streams = {}
    for line in out.splitlines():
        t, st, sport, ln = line.split("\t")
        streams.setdefault(st, []).append((float(t), int(sport) == port, int(ln)))
    held = {"mta": [], "milter": []}
    for pkts in streams.values():
        for i in range(1, len(pkts) - 1):
            gap = pkts[i][0] - pkts[i - 1][0]
            ack, nxt = pkts[i], pkts[i + 1]
            if gap >= 0.020 and ack[2] == 0 and nxt[2] > 0 and nxt[1] != ack[1] and \
                    nxt[0] - ack[0] < 0.002:
                held["milter" if nxt[1] else "mta"].append(gap * 1000)
    parts = []
    for side, gaps in held.items():
        if gaps:
            parts.append(f"{len(gaps) / count:.2f} stalls/msg with {side} data held "
                         f"(median {statistics.median(gaps):.0f} ms)")
    return "; ".join(parts) or "no stall"


def spread(values, fmt):
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def message(work, args):
    """The message smtp-source sends, and the TestPublicKeys file of its signer."""
    d = os.path.join(work, "corpus")
    if args.message:
        keys = os.path.join(work, "test-keys")
        shutil.copy(args.test_keys, keys) if args.test_keys else open(keys, "w").close()
        return args.message, keys
    extra = ["--all-signed"] if args.signed else []
    subprocess.run([PYTHON3, GENCORPUS, "--count", "20", "--size", str(args.size), *extra, d],
                   check=True, stdout=subprocess.DEVNULL)
    files = sorted(glob.glob(os.path.join(d, "messages", f"*-{args.kind}.eml")))
    if not files:
        sys.exit(f"bench_postfix: no {args.kind} message in the first 20 of the corpus")
    keys = os.path.join(d, "test-keys")
    if not os.path.exists(keys):
        open(keys, "w").close()
    return files[0], keys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modes", default=",".join(MODES[:5]))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--kind", default="brand", help="which kind of gencorpus message to send")
    ap.add_argument("--signed", action="store_true", help="a DKIM-signed message")
    ap.add_argument("--message", help="send this message file instead")
    ap.add_argument("--test-keys", help="TestPublicKeys file for --message")
    ap.add_argument("--dkim", choices=("always", "brands"), default="always")
    ap.add_argument("--quickack", action="store_true")
    ap.add_argument("--capture", help="directory for one pcap per TCP mode, read for stalls")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    args.modes = [m for m in args.modes.split(",") if m]
    if "nomilter" not in args.modes or any(m not in MODES for m in args.modes):
        ap.error("--modes: nomilter and any of " + ",".join(MODES[1:]))
    if os.getuid() != 0:
        sys.exit("bench_postfix: needs root (a private Postfix)")
    netns()
    if args.quickack:
        quickack()
    work = tempfile.mkdtemp(prefix="vigie-pfbench-")
    bed = Bed(work, args)
    try:
        msgfile, keys = message(work, args)
        bed.start_milters(keys)
        bed.start_postfix()
        print(f"Postfix {subprocess.run(['postconf', '-dh', 'mail_version'], capture_output=True, text=True).stdout.strip()}"
              f", smtp-source -s {args.sessions} -m {args.messages}, one message per session, "
              f"{os.path.basename(msgfile)} ({os.path.getsize(msgfile)} bytes"
              f"{', DKIM-signed' if args.signed else ''}); vigie DKIMVerify {args.dkim}; "
              f"delayed ACKs on lo {'off (quickack)' if args.quickack else 'on (default)'}; "
              f"{args.runs} alternated runs after a warm-up; min/median/max")
        for mode in args.modes:
            r = one(bed, mode, msgfile, min(200, args.messages), args.sessions)
            if isinstance(r, str):
                sys.exit(f"{mode}: warm-up failed: {r}")
        if args.capture:
            os.makedirs(args.capture, exist_ok=True)
            for mode in [m for m in args.modes if "-inet" in m]:
                path = os.path.join(args.capture, mode + ".pcap")
                n = min(args.messages, 200)
                r = capture(bed, mode, msgfile, path, n, args.sessions)
                rate = r if isinstance(r, str) else "%.0f msg/s" % r["inject"]
                print(f"capture {mode:16} {rate}: {stalls(path, bed.port(mode) + 100, n)}")
                sys.stdout.flush()
        runs = {m: [] for m in args.modes}
        for _ in range(args.runs):
            for mode in args.modes:
                runs[mode].append(one(bed, mode, msgfile, args.messages, args.sessions))
                sys.stdout.flush()
        print(f"{'mode':14} " + " ".join(f"{h:>20}" for h in (
            "inject msg/s", "end-to-end msg/s", "ratio to nomilter", "milter cpu ms/msg",
            "postfix cpu ms/msg", "milter faults/msg")))
        base = runs["nomilter"]
        for mode in args.modes:
            rs = runs[mode]
            bad = [r for r in rs if isinstance(r, str)]
            if bad or any(isinstance(b, str) for b in base):
                print(f"{mode:14} errors: {(bad or ['in the nomilter runs'])[0]}")
                continue
            cells = [spread([r["inject"] for r in rs], "{:.0f}"),
                     spread([r["e2e"] for r in rs], "{:.0f}"),
                     spread([r["inject"] / b["inject"] for r, b in zip(rs, base)], "{:.3f}"),
                     spread([r["milter_ms"] for r in rs], "{:.3f}") if mode != "nomilter" else "-",
                     spread([r["postfix_ms"] for r in rs], "{:.2f}"),
                     spread([r["faults"] for r in rs], "{:.1f}") if mode != "nomilter" else "-"]
            print(f"{mode:14} " + " ".join(f"{c:>20}" for c in cells))
    finally:
        bed.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
