#!/usr/bin/python3
"""bench_vigie - vigie beside Debian's opendkim (verify mode), same load, same run.

    tests/bench/bench_vigie.py [--connections 1,10,100] [--runs 5]
                               [--messages 2000] [--corpus 500] [--size 4096]
                               [--corpora mixed,signed,real,legit] [--per-connection 1]
                               [--socket unix|inet]
                               [--peers opendkim,always,brands,dmarc,dmarc-brands,null,banner,nobanner]
                               [--no-log] [--keep DIR]

Generates corpora with gencorpus.py (mixed: the mix unsigned; signed: the
same mix all signed, half rsa-2048, half ed25519; both --size bytes a
message; real, asked with --corpora: the mix at its natural sizes, median
8 KB, one in eight over 50 KB, 30 % signed; legit: real without its
phishing), then for each corpus and connection count starts opendkim, vigie
with DKIMVerify always, vigie with DKIMVerify brands (the default) and,
asked with --peers, null: tests/bench/nullmilter, a libmilter filter that
analyses nothing (what libmilter alone costs), dmarc: vigie with DKIMVerify
and SPFVerify always, so SPF and DMARC run on every message, and
dmarc-brands: vigie's defaults (DKIM, SPF and DMARC on the platforms' own
mail), both with the corpus' DNS in memory (TestDNS,
tests/bench/benchzone.py: SPF records of one to five lookups, DMARC records,
the DKIM keys), so that what is measured is the CPU of SPF and DMARC, not a
name server's distance, banner and nobanner: vigie (DKIMVerify brands) with
Banner impersonation and with Banner none (what the warning banner costs:
--peers nobanner,banner --corpora real,legit --ratio-to nobanner); warms
each up and runs miltergen --runs times on
each, alternating the peers run by run so that the noise of a shared
machine falls on all of them alike. Prints for each peer msg/s,
the milter's CPU ms per message, p50/p99 latency and peak RSS (min/median/
max), and vigie's ratios to opendkim of the same round: throughput
(higher is better) and CPU per message (lower is better).

Every run must end with zero errors, every message with the peer's header
(Authentication-Results dkim=none or dkim=pass from opendkim and from vigie
in "always" mode; X-Vigie-Verdict from vigie), else the figures are not
printed. --per-connection 0 keeps each connection for all its messages
(threads' worth of load: --connections 1,2,4 --per-connection 0 is the
scaling run). --socket inet puts every peer on a loopback TCP port; a
peer named with -inet (always-inet, opendkim-inet, null-inet) is on one
while the others stay on unix sockets, to compare both in one run.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opendkimpeer import OpenDKIM  # noqa: E402
from benchzone import zone  # noqa: E402
from taputil import GENCORPUS, MILTERGEN, PYTHON3, summary  # noqa: E402
from vigiepeer import NullMilter, Vigie  # noqa: E402

PEERS = {
    "opendkim": "opendkim",
    "always": "vigie DKIMVerify always",
    "brands": "vigie DKIMVerify brands",
    "null": "nullmilter (no analysis)",
    "banner": "vigie brands, Banner impersonation",
    "nobanner": "vigie brands, Banner none",
    "dmarc": "vigie DKIM+SPF+DMARC always",
    "dmarc-brands": "vigie DKIM+SPF+DMARC brands",
}


# gencorpus.py options and the DKIM result every message must get, per corpus
CORPORA = {
    "mixed": (lambda a: ["--size", str(a.size)], "none"),
    "signed": (lambda a: ["--size", str(a.size), "--all-signed"], "pass"),
    "real": (lambda a: ["--signed", "0.3"], "(none|pass)"),
    # the real mix without its phishing: what Banner costs mail that gets no banner
    "legit": (lambda a: ["--signed", "0.3"], "(none|pass)"),
}


def corpora(work, args):
    """(name, messages directory, DKIM result expected) for each corpus asked, and
    the TestPublicKeys file (every corpus is signed with the same keys)."""
    keys = os.path.join(work, "keys")
    out = []
    for name in args.corpora.split(","):
        opts, result = CORPORA[name]
        d = os.path.join(work, name)
        if not os.path.isdir(os.path.join(d, "messages")):
            subprocess.run([PYTHON3, GENCORPUS, "--count", str(args.corpus), "--keys", keys,
                            *opts(args), d], check=True, stdout=subprocess.DEVNULL)
            if name == "legit":
                with open(os.path.join(d, "manifest.tsv")) as f:
                    rows = list(f)
                keep = rows[:1]
                for row in rows[1:]:
                    cols = row.split("\t")
                    if cols[2] != "legit":
                        os.unlink(os.path.join(d, cols[0]))
                    else:
                        keep.append(row)
                with open(os.path.join(d, "manifest.tsv"), "w") as f:
                    f.writelines(keep)
        with open(os.path.join(d, "zone"), "w") as f:
            f.write("\n".join(zone(d)) + "\n")
        out.append((name, os.path.join(d, "messages"), result))
    signer = [os.path.join(work, n, "test-keys") for n, _, _ in out]
    signer = [f for f in signer if os.path.exists(f)]
    if not signer:
        signer = [os.path.join(work, "test-keys")]
        open(signer[0], "w").close()
    return out, signer[0]


def base(kind):
    """A peer kind without its -inet suffix."""
    return kind[:-5] if kind.endswith("-inet") else kind


def make_peer(kind, directory, keys, args, port, msgdir):
    """An opendkim or vigie process for this round, not started."""
    tcp = args.socket == "inet" or kind.endswith("-inet")
    spec = f"inet:{port}@127.0.0.1" if tcp else None
    kind = base(kind)
    if kind == "opendkim":
        return OpenDKIM(directory, keys, socket_spec=spec)
    if kind == "null":
        return NullMilter(directory, socket_spec=spec, options=["-H", "2"])
    if kind.startswith("dmarc"):
        mode = "brands" if kind == "dmarc-brands" else "always"
        z = os.path.join(os.path.dirname(msgdir), "zone")
        return Vigie(directory, None, dkim=mode, socket_spec=spec, log=not args.no_log,
                     extra=f"SPFVerify {mode}\nTestDNS {z}\n")
    if kind in ("banner", "nobanner"):
        # the warning banner's cost: the same vigie, writing it or not
        return Vigie(directory, keys, dkim="brands", socket_spec=spec, log=not args.no_log,
                     extra="Banner %s\nBannerSpool %s\n" %
                     ("impersonation" if kind == "banner" else "none", directory))
    return Vigie(directory, keys, dkim=kind, socket_spec=spec, log=not args.no_log)


def peer_socket(peer):
    """The socket miltergen is given for a peer."""
    spec = peer.spec
    return "unix:" + peer.sock if spec.startswith("local:") else spec


def expects(kind, result):
    """miltergen -e arguments: what every message must get from this peer."""
    ar = ["-e", f"Authentication-Results:dkim={result}"]
    kind = base(kind)
    if kind == "opendkim":
        return ar
    if kind == "null":
        return ["-e", "X-Null-Milter"]
    if kind == "dmarc":
        # DMARC ran on every message: dmarc= after the DKIM result
        return ["-e", "X-Vigie-Verdict", "-e", f"Authentication-Results:dkim={result}.*dmarc="]
    return ["-e", "X-Vigie-Verdict"] + (ar if kind == "always" else [])


def one(peer, kind, msgdir, conns, count, result, args, log):
    """One miltergen run; its summary, or None if it had any error."""
    cmd = [MILTERGEN, "-q", "-c", str(conns), "-m", str(args.per_connection), "-n", str(count),
           "-p", str(peer.pid), *expects(kind, result), peer_socket(peer), msgdir]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    log.write(" ".join(cmd) + "\n" + p.stdout + p.stderr)
    log.flush()
    s = summary(p.stdout)
    return s if p.returncode == 0 and s.get("errors") == "0" else None


def spread(values, fmt):
    """min / median / max."""
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def ratios(values, refs):
    """min/median/max of value / ref, round by round ("-" when no ref is above 0:
    CPU is counted in clock ticks, too coarse for a tiny run)."""
    r = [v / b for v, b in zip(values, refs) if b > 0]
    return spread(r, "{:.2f}") if r else "-"


def report(name, conns, kinds, runs, ref_kind):
    """The lines of one corpus and connection count; ratios to ref_kind's runs."""
    ref = runs.get(ref_kind)
    for kind in kinds:
        rs = runs[kind]
        rate = [float(r["msg_per_s"]) for r in rs]
        cpu = [float(r["cpu_s_per_1000"]) for r in rs]
        cells = [spread(rate, "{:.0f}"), spread(cpu, "{:.3f}"),
                 spread([float(r["p50_ms"]) for r in rs], "{:.2f}"),
                 spread([float(r["p99_ms"]) for r in rs], "{:.2f}"),
                 spread([float(r["rss_peak_kb"]) / 1024 for r in rs], "{:.1f}")]
        if ref is not None and kind != ref_kind:
            cells.append(ratios(rate, [float(b["msg_per_s"]) for b in ref]))
            cells.append(ratios(cpu, [float(b["cpu_s_per_1000"]) for b in ref]))
        else:
            cells += ["-", "-"]
        label = PEERS[base(kind)] + (" TCP" if kind.endswith("-inet") else "")
        print(f"{name:7} {conns:>5}  {label:28} " + " ".join(f"{c:>19}" for c in cells))
    sys.stdout.flush()


def round_robin(kinds, work, keys, msgdir, conns, result, args, log, tag):
    """Start every peer, warm each up, then alternate them run by run."""
    peers, runs = {}, {k: [] for k in kinds}
    try:
        for i, kind in enumerate(kinds):
            d = os.path.join(work, f"{tag}-{kind}")
            os.makedirs(d, exist_ok=True)
            peers[kind] = make_peer(kind, d, keys, args, args.port + i, msgdir)
            if not peers[kind].start():
                sys.exit(f"{kind} did not start: " + peers[kind].logtext())
            one(peers[kind], kind, msgdir, conns, min(args.messages, 300), result, args, log)
        for _ in range(args.runs):
            for kind in kinds:
                runs[kind].append(one(peers[kind], kind, msgdir, conns, args.messages, result,
                                      args, log))
    finally:
        for p in peers.values():
            p.stop()
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--connections", default="1,10,100")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--messages", type=int, default=2000, help="messages per run")
    ap.add_argument("--corpus", type=int, default=500, help="messages in each corpus")
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--per-connection", type=int, default=1,
                    help="messages per connection (1, as Postfix; 0 = keep it)")
    ap.add_argument("--socket", choices=("unix", "inet"), default="unix")
    ap.add_argument("--port", type=int, default=18891, help="first TCP port with --socket inet")
    ap.add_argument("--peers", default="opendkim,always,brands")
    ap.add_argument("--corpora", default="mixed,signed",
                    help="mixed (4 KB, unsigned), signed (4 KB, all signed), "
                         "real (gencorpus sizes, 30 %% signed), legit (real without its phishing)")
    ap.add_argument("--ratio-to", help="the peer the ratios are to (opendkim, else the first)")
    ap.add_argument("--no-log", action="store_true",
                    help="vigie in the background with no log (else a log line per message)")
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args()
    kinds = [k for k in args.peers.split(",") if k]
    if any(c not in CORPORA for c in args.corpora.split(",")):
        ap.error("--corpora: " + ", ".join(CORPORA))
    if any(base(k) not in PEERS for k in kinds):
        ap.error("--peers: " + ", ".join(PEERS) + ", each also with -inet (TCP)")
    ref = args.ratio_to or ("opendkim" if "opendkim" in kinds else kinds[0])
    work = args.keep or tempfile.mkdtemp(prefix="vigie-bench-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)    # vigie reads the keys as nobody
    try:
        with open(os.path.join(work, "runs.log"), "w") as log:
            print(f"{args.socket} sockets; {args.size}-byte messages; {args.runs} alternated runs "
                  f"of {args.messages} messages per peer after a warm-up; "
                  f"{args.per_connection or 'all'} message(s) per connection; "
                  f"vigie logs {'nothing' if args.no_log else 'a line per message'}; "
                  f"min/median/max; ratios are to {ref} in the same round")
            print(f"{'corpus':7} {'conns':>5}  {'peer':28} " + " ".join(
                f"{h:>19}" for h in ("msg/s", "cpu ms/msg", "p50 ms", "p99 ms", "rss MB",
                                     "msg/s ratio", "cpu ratio")))
            sets, keys = corpora(work, args)
            for name, msgdir, result in sets:
                for conns in [int(c) for c in args.connections.split(",")]:
                    runs = round_robin(kinds, work, keys, msgdir, conns, result, args, log,
                                       f"{name}-{conns}")
                    bad = [k for k in kinds if any(r is None for r in runs[k])]
                    if bad:
                        print(f"{name:7} {conns:>5}  errors from {','.join(bad)}: see runs.log "
                              "(run with --keep DIR)")
                        continue
                    report(name, conns, kinds, runs, ref)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
