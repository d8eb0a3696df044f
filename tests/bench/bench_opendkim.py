#!/usr/bin/python3
"""bench_opendkim - Debian's opendkim (verify mode, unix socket) under miltergen.

    tests/bench/bench_opendkim.py [--connections 1,10,100] [--runs 3]
                                  [--messages 2000] [--size 4096] [--keep DIR]

Generates two corpora with gencorpus.py (--size bytes each: a mixed one,
unsigned, and the same mix all signed, half rsa-2048, half ed25519), then
for each corpus and connection count starts a fresh opendkim, warms it up,
and runs miltergen --runs times. Prints min/median/max of msg/s, p50 and
p99 latency, opendkim's CPU seconds per 1000 messages and peak RSS. Every
run must end with zero errors and every message with dkim=pass (signed) or
dkim=none (unsigned), else the figures are not printed as valid.
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
from taputil import GENCORPUS, MILTERGEN, PYTHON3, summary  # noqa: E402

FIELDS = [("msg_per_s", "msg/s", "{:.0f}"), ("p50_ms", "p50 ms", "{:.2f}"),
          ("p99_ms", "p99 ms", "{:.2f}"), ("cpu_s_per_1000", "cpu s/1000", "{:.3f}"),
          ("rss_peak_kb", "rss kB", "{:.0f}")]


def corpora(work, args):
    """(name, messages directory, expected AR result) for each corpus, and the keys file."""
    keys = os.path.join(work, "keys")
    out = []
    for name, extra, result in (("mixed", [], "none"), ("signed", ["--all-signed"], "pass")):
        d = os.path.join(work, name)
        subprocess.run([PYTHON3, GENCORPUS, "--count", str(args.corpus), "--size", str(args.size),
                        "--keys", keys, *extra, d], check=True, stdout=subprocess.DEVNULL)
        out.append((name, os.path.join(d, "messages"), result))
    return out, os.path.join(work, "signed", "test-keys")


def one(od, msgdir, conns, count, expect, log):
    """One miltergen run; its summary, or None if it had any error."""
    cmd = [MILTERGEN, "-q", "-c", str(conns), "-n", str(count), "-p", str(od.pid),
           "-e", f"Authentication-Results:dkim={expect}", "unix:" + od.sock, msgdir]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    log.write(" ".join(cmd) + "\n" + p.stdout + p.stderr)
    s = summary(p.stdout)
    return s if p.returncode == 0 and s.get("errors") == "0" else None


def spread(values, fmt):
    """min / median / max."""
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--connections", default="1,10,100")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--messages", type=int, default=2000, help="messages per run")
    ap.add_argument("--corpus", type=int, default=500, help="messages in each corpus")
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="vigie-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        with open(os.path.join(work, "runs.log"), "w") as log:
            print(f"opendkim verify mode, unix socket; {args.size}-byte messages; {args.runs} runs "
                  f"of {args.messages} messages after a warm-up; min/median/max")
            print(f"{'corpus':8} {'conns':>5}  " + "  ".join(f"{h:>20}" for _, h, _ in FIELDS))
            sets, keys = corpora(work, args)
            for name, msgdir, expect in sets:
                for conns in [int(c) for c in args.connections.split(",")]:
                    oddir = os.path.join(work, f"opendkim-{name}-{conns}")
                    os.makedirs(oddir, exist_ok=True)
                    od = OpenDKIM(oddir, keys)
                    if not od.start():
                        sys.exit("opendkim did not start: " + od.logtext())
                    try:
                        one(od, msgdir, conns, min(args.messages, 200), expect, log)   # warm-up
                        runs = [one(od, msgdir, conns, args.messages, expect, log)
                                for _ in range(args.runs)]
                    finally:
                        od.stop()
                    if any(r is None for r in runs):
                        print(f"{name:8} {conns:>5}  errors: see runs.log (run with --keep DIR)")
                        continue
                    cells = [spread([float(r[k]) for r in runs], fmt) for k, _, fmt in FIELDS]
                    print(f"{name:8} {conns:>5}  " + "  ".join(f"{c:>20}" for c in cells))
                    sys.stdout.flush()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
