#!/usr/bin/python3
"""dashboard.py - contrib/grafana-vigie.json and contrib/vigie-alerts.yml
against a live vigie: a daemon is started with a StatsSocket (a unix socket
in a private directory), its /metrics is read, and every metric name a
dashboard query or an alert rule uses must be one it serves (histogram
series by their base name), the SPF and DMARC ones included
(vigie_spf_results_total, vigie_dmarc_results_total). Also: the dashboard is JSON Grafana
imports (unique panel ids, a Prometheus data source input, panels inside
the 24-column grid), the rules file parses, and promtool checks it when
Debian's prometheus package is installed. Prints TAP."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
from tap import ok  # noqa: E402

SRC = os.environ.get("top_srcdir", os.getcwd())
BUILD = os.environ.get("top_builddir", os.getcwd())
VIGIE = os.environ.get("VIGIE", os.path.join(BUILD, "milter", "vigie"))
DASH = os.path.join(SRC, "contrib", "grafana-vigie.json")
RULES = os.path.join(SRC, "contrib", "vigie-alerts.yml")


def scrape(sock):
    out = subprocess.run(["curl", "-s", "--max-time", "5", "--unix-socket", sock,
                          "http://vigie/metrics"], capture_output=True, text=True)
    return out.stdout


def served(text):
    names = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            names.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return names


def base(name):
    return re.sub(r"_(bucket|sum|count)$", "", name)


def main():
    if not os.access(VIGIE, os.X_OK) or shutil.which("curl") is None:
        print("1..0 # SKIP needs milter/vigie and curl")
        return 0
    with open(DASH, encoding="utf-8") as f:
        dash_text = f.read()
    try:
        dash = json.loads(dash_text)
    except ValueError as e:
        ok(False, "contrib/grafana-vigie.json is JSON", [e])
        return tap.plan()
    panels = dash.get("panels", [])
    ids = [p.get("id") for p in panels]
    ok(len(panels) >= 12 and len(set(ids)) == len(ids),
       f"the dashboard has {len(panels)} panels, each with its own id")
    ok(any(i.get("pluginId") == "prometheus" for i in dash.get("__inputs", [])),
       "it asks for a Prometheus data source on import (__inputs)")
    ok(all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in panels),
       "every panel fits the 24-column grid")
    titles = " ".join(p["title"] for p in panels).lower()
    for word in ("verdicts", "brands", "reasons", "dkim", "spf", "dmarc", "processing time",
                 "errors", "reloads", "brand pack version"):
        ok(word in titles, f"a panel shows {word}")

    exprs = [t["expr"] for p in panels for t in p.get("targets", [])]
    with open(RULES, encoding="utf-8") as f:
        rules_text = f.read()
    rule_exprs = re.findall(r"expr: \|?\s*((?:.+\n?)(?:\s{12,}.+\n)*)", rules_text)
    alerts = re.findall(r"- alert: (\w+)", rules_text)
    ok(set(alerts) >= {"VigieDown", "VigieErrorRate", "VigieBrandPackOld", "VigieImpersonationSpike"},
       f"the alert rules cover vigie down, error rate, old pack, impersonation spike ({', '.join(alerts)})")

    tmp = tempfile.mkdtemp(prefix="vigie-dash.")
    os.chmod(tmp, 0o755)
    sock = os.path.join(tmp, "metrics.sock")
    conf = os.path.join(tmp, "vigie.conf")
    with open(conf, "w") as f:
        f.write(f"Socket local:{tmp}/vigie.sock\nPidFile {tmp}/vigie.pid\nSyslog no\n"
                f"StatsSocket local:{sock}\nUMask 000\nTestDNS {tmp}/empty.zone\n")
    with open(os.path.join(tmp, "empty.zone"), "w") as f:
        f.write("# no records: DNS never from the network\n")
    if os.geteuid() == 0:
        shutil.chown(tmp, "nobody")
    proc = subprocess.Popen([VIGIE, "-f", "-c", conf], stderr=subprocess.DEVNULL)
    text = ""
    try:
        for _ in range(100):
            if os.path.exists(sock):
                text = scrape(sock)
                if text:
                    break
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    names = served(text)
    ok(len(names) > 10, f"a live vigie serves /metrics ({len(names)} series names)")
    bases = {base(x) for x in names} | names

    def check(what, sources):
        used = sorted({m for e in sources for m in re.findall(r"\bvigie_[a-z_]+[a-z]", e)})
        for m in used:
            if m in bases or base(m) in bases:
                ok(True, f"{what}: {m} is served")
            else:
                ok(False, f"{what}: {m} is served", [f"{m} is not in /metrics"])
        return used

    used = check("dashboard", exprs)
    ok(len(used) >= 12, f"the dashboard queries {len(used)} vigie metrics")
    check("alert rules", rule_exprs)

    promtool = shutil.which("promtool")
    if promtool:
        out = subprocess.run([promtool, "check", "rules", RULES], capture_output=True, text=True)
        ok(out.returncode == 0, "promtool check rules accepts contrib/vigie-alerts.yml",
           (out.stdout + out.stderr).splitlines())
    else:
        ok(True, "promtool check rules", skip="promtool is not installed (Debian package prometheus)")
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main())
