#!/usr/bin/python3
"""run_eval - run vigie-check over evaluation sets and count what it says.

    /usr/bin/python3 tests/eval/run_eval.py SETDIR... [--split dev|held|all]
        [--vigie-check PATH] [--test-keys FILE] [--config FILE]
        [--summary FILE] [--json] [--tap] [--jobs N] [--batch N] [--show N]

A set directory holds labels.tsv (file, split, class, category, technique,
note: written by the gen_*.py generators), the messages it names, and
optionally test-keys (DKIM keys, OpenDKIM TestPublicKeys format), vigie.conf
(settings for vigie-check --config) and domains.tsv (domain, split: domains
for vigie-check --domain, reported for information only).

Class "ham" must be clean: a suspect or impersonation verdict is a false
alarm. Class "attack" must be at least suspect: clean is a miss.

Prints, per set and split, a table per category (clean / suspect /
impersonation, false alarms or misses), then each failure with its
technique, verdict, score and reasons. --summary FILE also writes it all as
JSON; --json prints the JSON instead of the text; --tap prints TAP instead,
one test per set and category (both splits together), failures as comments.
Exit status: 0 nothing failed, 1 a false alarm or a miss, 2 an error.

vigie-check always gets a key file (the set's, --test-keys, or an empty
one): without one it would look DKIM keys up in the DNS, and the evaluation
never touches the network.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evallib as E  # noqa: E402

VERDICTS = ("clean", "suspect", "impersonation")


def default_check():
    env = os.environ.get("VIGIE_CHECK")
    if env:
        return env
    return os.path.join(os.environ.get("top_builddir", E.TOP), "milter", "vigie-check")


def run_batches(check, setdir, files, keys, config, jobs, batch):
    """{file: result object} for files (relative to setdir); errors as a list."""
    base = [check, "--json", "--test-keys", keys]
    if config:
        base += ["--config", config]
    chunks = [files[i:i + batch] for i in range(0, len(files), batch)]

    def one(chunk):
        p = subprocess.run(base + chunk, cwd=setdir, capture_output=True, text=True, timeout=600)
        return p.returncode, p.stdout, p.stderr, chunk

    results, errors = {}, []
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        for rc, out, err, chunk in ex.map(one, chunks):
            if rc not in (0, 1):
                errors.append("vigie-check exited %d on %s..: %s" % (rc, chunk[0], err.strip()[:300]))
            for line in out.splitlines():
                if line.strip():
                    o = json.loads(line)
                    results[o["file"]] = o
    for f in files:
        if f not in results:
            errors.append("no result for %s" % f)
    return results, errors


def run_domains(check, setdir, split):
    """vigie-check --domain over the domains of domains.tsv (domain, split) in split."""
    path = os.path.join(setdir, "domains.tsv")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        doms = [l.split("\t")[0] for l in f.read().splitlines()
                if l and not l.startswith("#") and (split == "all" or l.split("\t")[1] == split)]
    p = subprocess.run([check, "--json", "--domain", "-"], input="\n".join(doms) + "\n", capture_output=True,
                       text=True, timeout=120)
    counts = {v: 0 for v in VERDICTS}
    flagged = []
    for line in p.stdout.splitlines():
        o = json.loads(line)
        v = o.get("verdict", "error")
        counts[v] = counts.get(v, 0) + 1
        if v != "clean":
            flagged.append({"domain": o["domain"], "verdict": v, "score": o.get("score"),
                            "reasons": ["%s: %s" % (r["code"], r["detail"]) for r in o.get("reasons", [])]})
    return {"counts": counts, "flagged": flagged}


def reasons_of(o):
    return ["%s@%s: %s" % (r["code"], r["where"], r["detail"]) for r in o.get("reasons", [])]


def evaluate(args, setdir, empty_keys):
    rows = [r for r in E.read_labels(setdir) if args.split == "all" or r["split"] == args.split]
    keys = args.test_keys or (os.path.join(setdir, "test-keys") if os.path.exists(os.path.join(setdir, "test-keys")) else empty_keys)
    keys = os.path.abspath(keys)
    config = args.config or (os.path.join(setdir, "vigie.conf") if os.path.exists(os.path.join(setdir, "vigie.conf")) else None)
    config = os.path.abspath(config) if config else None
    results, errors = run_batches(args.vigie_check, setdir, [r["file"] for r in rows], keys, config, args.jobs, args.batch)
    out = {"name": os.path.basename(os.path.normpath(setdir)), "dir": setdir, "errors": errors, "splits": {}}
    for r in rows:
        sp = out["splits"].setdefault(r["split"], {"categories": {}, "failures": []})
        cat = sp["categories"].setdefault(r["category"], {"class": r["class"], "n": 0, "clean": 0, "suspect": 0,
                                                          "impersonation": 0, "failed": 0})
        o = results.get(r["file"])
        v = o["verdict"] if o else "error"
        cat["n"] += 1
        cat[v] = cat.get(v, 0) + 1
        bad = (v != "clean") if r["class"] == "ham" else (v not in ("suspect", "impersonation"))
        if bad:
            cat["failed"] += 1
            sp["failures"].append({"file": r["file"], "class": r["class"], "category": r["category"],
                                   "technique": r["technique"], "note": r["note"], "verdict": v,
                                   "score": o["score"] if o else None, "brand": o.get("brand") if o else None,
                                   "from": (o.get("from") or {}).get("address") if o else None,
                                   "reasons": reasons_of(o) if o else []})
    out["domains"] = run_domains(args.vigie_check, setdir, args.split)
    return out


def plural(word, n):
    return "" if n == 0 else word if n == 1 else {"false alarm": "false alarms", "miss": "misses"}[word]


def text_report(summary, show):
    lines = ["vigie-check: %s" % summary["vigie_check"]]
    for s in summary["sets"]:
        for e in s["errors"]:
            lines.append("ERROR %s: %s" % (s["name"], e))
        for split in sorted(s["splits"]):
            sp = s["splits"][split]
            lines.append("")
            lines.append("== %s, %s ==" % (s["name"], split))
            lines.append("%-34s %6s %6s %8s %14s %8s" % ("category", "n", "clean", "suspect", "impersonation", "failed"))
            tot = {"n": 0, "clean": 0, "suspect": 0, "impersonation": 0, "failed": 0}
            for cat in sorted(sp["categories"]):
                c = sp["categories"][cat]
                word = "false alarm" if c["class"] == "ham" else "miss"
                lines.append("%-34s %6d %6d %8d %14d %8d %s" % (cat, c["n"], c["clean"], c["suspect"], c["impersonation"],
                                                                c["failed"], plural(word, c["failed"])))
                for k in tot:
                    tot[k] += c[k]
            lines.append("%-34s %6d %6d %8d %14d %8d" % ("total", tot["n"], tot["clean"], tot["suspect"], tot["impersonation"], tot["failed"]))
            fails = sp["failures"]
            if fails:
                lines.append("")
                lines.append("%s (%d):" % ("false alarms (ham called suspect or impersonation)" if fails[0]["class"] == "ham"
                                           else "misses (attacks called clean)", len(fails)))
                for f in fails[:show]:
                    lines.append("  %s  %s %s  [%s / %s]  %s" % (f["file"], f["verdict"], f["score"], f["category"], f["technique"], f["note"]))
                    for r in f["reasons"]:
                        lines.append("      %s" % r)
                if len(fails) > show:
                    lines.append("  ... and %d more (see --summary)" % (len(fails) - show))
        d = s.get("domains")
        if d:
            lines.append("")
            lines.append("%s: vigie-check --domain over its domains (information: --domain reports weak relations): %s" % (
                s["name"], ", ".join("%s %d" % kv for kv in d["counts"].items())))
            for f in d["flagged"][:show]:
                lines.append("  %s %s %s  %s" % (f["domain"], f["verdict"], f["score"], "; ".join(f["reasons"])))
    return "\n".join(lines) + "\n"


def tap_report(summary, show):
    tests = []
    for s in summary["sets"]:
        if s["errors"]:
            tests.append((False, "%s: vigie-check ran on every message" % s["name"], s["errors"][:show]))
        cats = {}
        for split, sp in s["splits"].items():
            for cat, c in sp["categories"].items():
                agg = cats.setdefault(cat, {"class": c["class"], "n": 0, "failed": 0, "by": {}, "fails": []})
                agg["n"] += c["n"]
                agg["failed"] += c["failed"]
                agg["by"][split] = c["failed"]
            for f in sp["failures"]:
                cats[f["category"]]["fails"].append(f)
        for cat in sorted(cats):
            a = cats[cat]
            if a["class"] == "ham":
                desc = "%s/%s: none of %d flagged suspect or impersonation" % (s["name"], cat, a["n"])
            else:
                desc = "%s/%s: each of %d at least suspect" % (s["name"], cat, a["n"])
            if a["failed"]:
                desc += " (%d failed: %s)" % (a["failed"], ", ".join("%s %d" % kv for kv in sorted(a["by"].items())))
            diag = ["%s %s %s [%s] %s" % (f["file"], f["verdict"], f["score"], f["technique"],
                                           "; ".join(r.split(":")[0] for r in f["reasons"]) or "no finding")
                    for f in a["fails"][:show]]
            tests.append((a["failed"] == 0, desc, diag))
    out = ["1..%d" % len(tests)]
    for i, (ok, desc, diag) in enumerate(tests, 1):
        out.append("%s %d - %s" % ("ok" if ok else "not ok", i, desc))
        out.extend("# " + d for d in diag)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="+", metavar="SETDIR")
    ap.add_argument("--split", default="all", choices=["dev", "held", "all"])
    ap.add_argument("--vigie-check", default=default_check())
    ap.add_argument("--test-keys")
    ap.add_argument("--config")
    ap.add_argument("--summary")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--tap", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=400)
    ap.add_argument("--show", type=int, default=1000, help="failures listed per set and split (default 1000)")
    a = ap.parse_args()
    a.vigie_check = os.path.abspath(a.vigie_check)   # the batches run in the set directories
    if not os.access(a.vigie_check, os.X_OK):
        print("run_eval: %s is not an executable vigie-check" % a.vigie_check, file=sys.stderr)
        return 2
    with tempfile.NamedTemporaryFile("w", prefix="vigie-eval-keys.", delete=False) as tf:
        empty = tf.name
    try:
        summary = {"vigie_check": a.vigie_check, "split": a.split, "sets": [evaluate(a, d, empty) for d in a.sets]}
    finally:
        os.unlink(empty)
    failed = sum(len(sp["failures"]) for s in summary["sets"] for sp in s["splits"].values())
    errors = sum(len(s["errors"]) for s in summary["sets"])
    summary["failed"] = failed
    summary["errors"] = errors
    if a.summary:
        with open(a.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)
    if a.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif a.tap:
        sys.stdout.write(tap_report(summary, min(a.show, 20)))
    else:
        sys.stdout.write(text_report(summary, a.show))
    return 2 if errors else 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001 - an error, not a failed evaluation: exit 2
        import traceback
        traceback.print_exc()
        sys.exit(2)
