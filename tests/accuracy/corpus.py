#!/usr/bin/python3
"""message-corpus - vigie-check --json on the corpus of tests/data/messages:
each message gets the verdict and exactly the reason codes its MANIFEST line
says; DKIM results and alignment are reported as checked; the exit status
follows the verdicts. TAP on stdout.
"""
import json
import os
import subprocess
import sys

SRC = os.environ.get("top_srcdir", ".")
BUILD = os.environ.get("top_builddir", ".")
CHECK = os.environ.get("VIGIE_CHECK", os.path.join(BUILD, "milter", "vigie-check"))
DATA = os.path.join(SRC, "tests", "data", "messages")
KEYS = os.path.join(DATA, "keys", "test-keys")

results = []


def ok(cond, what):
    results.append((bool(cond), what))


def run(*files):
    p = subprocess.run([CHECK, "--json", "--test-keys", KEYS] + list(files),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, [json.loads(line) for line in p.stdout.splitlines() if line.strip()], p.stderr


def manifest():
    rows = []
    with open(os.path.join(DATA, "MANIFEST"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0] if line.startswith("#") else line
            parts = line.split()
            if len(parts) != 3:
                continue
            name, verdict, codes = parts
            file, _, num = name.partition("#")
            want = set() if codes == "-" else set(codes.split(","))
            rows.append((file, int(num) if num else None, verdict, want))
    return rows


def got_codes(obj, want):
    """The codes of obj in the form of want: code, or code@where where want says so."""
    wherewant = {w.split("@")[0] for w in want if "@" in w}
    out = set()
    for r in obj["reasons"]:
        out.add(r["code"] + "@" + r["where"] if r["code"] in wherewant else r["code"])
    return out


def main():
    rows = manifest()
    files = sorted({f for f, _, _, _ in rows})
    rc, objs, err = run(*[os.path.join(DATA, f) for f in files])
    ok(rc == 1 and not err, "vigie-check --json over the corpus exits 1 (some flagged), nothing on stderr")
    by = {}
    for o in objs:
        by[(os.path.basename(o["file"]), o.get("message"))] = o
    for file, num, verdict, want in rows:
        o = by.get((file, num))
        label = file + ("#%d" % num if num else "")
        if o is None:
            ok(False, "%s: reported" % label)
            continue
        got = got_codes(o, want)
        ok(o["verdict"] == verdict and got == want,
           "%s: %s with %s (got %s with %s, score %d)" % (
               label, verdict, ",".join(sorted(want)) or "no finding", o["verdict"],
               ",".join(sorted(got)) or "no finding", o["score"]))
    # DKIM as reported
    b = by[("brand-signed.eml", None)]
    ok(b["dkim"] == [{"domain": "viamedis.fr", "selector": "s2024", "algorithm": "rsa-sha256",
                      "result": "pass", "aligned": True, "checked": True}],
       "brand-signed.eml: one aligned rsa-sha256 pass of viamedis.fr in dkim[]")
    b = by[("spoof-unrelated-dkim.eml", None)]
    ok(len(b["dkim"]) == 1 and b["dkim"][0]["checked"] is False and b["dkim"][0]["result"] is None
       and b["dkim"][0]["aligned"] is False,
       "spoof-unrelated-dkim.eml: the unaligned signature is reported unchecked, with no result")
    b = by[("brand-testing-key.eml", None)]
    ok(b["dkim"][0]["result"] == "pass" and b["dkim"][0].get("testing") is True,
       "brand-testing-key.eml: a t=y pass is reported as such")
    b = by[("spoof-tampered.eml", None)]
    ok(b["dkim"][0]["result"] == "fail" and b["dkim"][0]["reason"] == "body hash mismatch",
       "spoof-tampered.eml: the changed body fails on its body hash")
    b = by[("from-lookalike-signed.eml", None)]
    ok(b["dkim"][0]["result"] == "pass" and b["verdict"] == "impersonation",
       "from-lookalike-signed.eml: a look-alike signing its own mail gains nothing")
    # from and links
    b = by[("display-b-rib.eml", None)]
    ok(b["from"] == {"display": "Viamédis Tiers Payant", "address": "viamedis.service@gmail.com",
                     "domain": "gmail.com"}, "display-b-rib.eml: from{} holds the decoded display name")
    b = by[("brand-newsletter-esp.eml", None)]
    ok(any(l["host"] == "click.esp-mail.example" and l["shows"] == "www.viamedis.net"
           and l["finding"] is None for l in b["links"]),
       "brand-newsletter-esp.eml: the ESP's tracking link showing www.viamedis.net is judged, no finding")
    b = by[("link-mismatch-qp.eml", None)]
    ok(any(l["host"] == "198.51.100.23" and l["finding"] == "link-mismatch" for l in b["links"]),
       "link-mismatch-qp.eml: the IP-literal target of an almerys.com anchor is a link-mismatch")
    b = by[("link-embedded.eml", None)]
    ok(any(l["finding"] == "link-lookalike" and l["detail"].startswith("embedded: ")
           for l in b["links"]), "link-embedded.eml: the link's detail names the technique (embedded)")
    ok(all(o["caps"]["hit"] is False for o in objs), "no cap is hit by the corpus")
    # exit status
    rc, _, _ = run(os.path.join(DATA, "brand-signed.eml"), os.path.join(DATA, "colleague-plain.eml"))
    ok(rc == 0, "exit 0 when every message is clean")
    rc, _, err = run(os.path.join(DATA, "colleague-plain.eml"), os.path.join(DATA, "no-such-file.eml"))
    ok(rc == 2 and "no-such-file.eml" in err, "exit 2 for an unreadable file, named on stderr")
    with open(os.path.join(DATA, "spoof-no-dkim.eml"), "rb") as f:
        p = subprocess.run([CHECK, "--json", "--test-keys", KEYS, "-"], stdin=f,
                           capture_output=True, timeout=60)
    o = json.loads(p.stdout)
    ok(p.returncode == 1 and o["file"] == "-" and o["verdict"] == "impersonation",
       "'-' reads a message from standard input")
    # --config: vigie.conf's keys and trusted relays
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "vigie.conf")
        with open(conf, "w") as f:
            f.write("TestPublicKeys %s\nTrustedAuthservIDs relay.example\n" % os.path.abspath(KEYS))
        with open(os.path.join(DATA, "spoof-tampered.eml"), "rb") as f:
            raw = (b"Authentication-Results: relay.example; dkim=pass header.d=viamedis.fr\r\n"
                   + f.read())
        p = subprocess.run([CHECK, "--json", "--config", conf, "-"], input=raw,
                           capture_output=True, timeout=60)
        o = json.loads(p.stdout)
        ok(p.returncode == 0 and o["verdict"] == "clean"
           and o["dkim"][0].get("trusted_pass") == "relay.example",
           "--config: a TrustedAuthservIDs relay's dkim=pass stands for a signature broken on the way")
        p = subprocess.run([CHECK, "--json", "--test-keys", KEYS, "-"], input=raw,
                           capture_output=True, timeout=60)
        o = json.loads(p.stdout)
        ok(o["verdict"] == "impersonation", "without the trust, the same Authentication-Results is ignored")
    # accuracy, as a figure
    legit = [r for r in rows if r[2] == "clean"]
    phish = [r for r in rows if r[2] != "clean"]
    caught = sum(1 for f, n, _, _ in phish if by.get((f, n), {}).get("verdict") != "clean")
    quiet = sum(1 for f, n, _, _ in legit if by.get((f, n), {}).get("verdict") == "clean")
    print("# flagged %d of %d impersonations, %d of %d legitimate messages clean"
          % (caught, len(phish), quiet, len(legit)))
    print("1..%d" % len(results))
    for i, (good, what) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, what))


main()
