#!/usr/bin/python3
"""test_benchscripts - the side-by-side benchmark scripts still run, on tiny
loads: bench_vigie.py prints a line of figures for each peer (no errors, every
header checked, dmarc= from the peer running SPF and DMARC), bench_memory.py reports idle connections for both daemons,
and nullmilter adds its header over a unix socket, with Nagle kept on, and
with the DATA step dropped. Nothing here is timed: the figures are not
asserted, only that the scripts measure. Prints TAP.
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opendkimpeer import OPENDKIM  # noqa: E402
from taputil import GENCORPUS, MILTERGEN, PYTHON3, Tap, summary  # noqa: E402
from vigiepeer import NULLMILTER, NullMilter  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def script(name, *args):
    """Run a benchmark script; (exit status, output)."""
    p = subprocess.run([PYTHON3, os.path.join(HERE, name), *args], capture_output=True,
                       text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def main():
    t = Tap()
    if OPENDKIM is None or not os.path.exists(NULLMILTER):
        print("1..0 # SKIP opendkim or tests/bench/nullmilter missing")
        return
    with tempfile.TemporaryDirectory(prefix="vigie-benchscripts-") as tmp:
        os.chmod(tmp, 0o755)    # vigie reads its keys as nobody
        rc, out = script("bench_vigie.py", "--connections", "1", "--runs", "1", "--messages",
                         "20", "--corpus", "12", "--corpora", "mixed", "--peers",
                         "opendkim,always,brands,dmarc,null", "--keep", os.path.join(tmp, "v"))
        lines = [l for l in out.splitlines() if l.startswith("mixed ")]
        t.ok(rc == 0 and len(lines) == 5 and not any("errors" in l for l in lines),
             "bench_vigie.py: a line of figures for each of 5 peers (SPF and DMARC on every"
             " message for one), no errors", out)
        ratios = [l.split()[-2] for l in lines[1:]]
        t.ok(len(ratios) == 4 and all(re.match(r"^[0-9.]+/[0-9.]+/[0-9.]+$", r) for r in ratios),
             "bench_vigie.py: every peer but opendkim has its throughput ratio to it", out)

        rc, out = script("bench_memory.py", "--idle", "20", "--loads", "idle", "--keep",
                         os.path.join(tmp, "m"))
        idle = re.findall(r"^(\w+) +20 idle: rss [0-9.]+ MB before, [0-9.]+ MB with them", out,
                          re.M)
        t.ok(rc == 0 and sorted(idle) == ["opendkim", "vigie"],
             "bench_memory.py: 20 connections held mid-message by opendkim and by vigie", out)

        corpus = os.path.join(tmp, "c")
        subprocess.run([PYTHON3, GENCORPUS, "--count", "4", "--size", "4096", corpus],
                       check=True, stdout=subprocess.DEVNULL)
        for opts, what in (([], "as vigie negotiates"), (["-n"], "with Nagle kept on (-n)"),
                           (["-d"], "with the DATA step dropped (-d)")):
            d = tempfile.mkdtemp(dir=tmp)
            nm = NullMilter(d, options=["-H", "2"] + opts)
            started = nm.start()
            p = subprocess.run([MILTERGEN, "-q", "-n", "4", "-e", "X-Null-Milter",
                                "unix:" + nm.sock, os.path.join(corpus, "messages")],
                               capture_output=True, text=True) if started else None
            nm.stop()
            s = summary(p.stdout) if p else {}
            t.ok(started and p.returncode == 0 and s.get("errors") == "0",
                 f"nullmilter adds its header to every message, {what}",
                 (p.stdout + p.stderr) if p else "did not start")
    t.done()


if __name__ == "__main__":
    main()
