#!/usr/bin/python3
"""explain.py - vigie-check --explain tells what the milter does: for every
message of the test corpora (and forged, untagged, already tagged and
subjectless ones made here), under two configurations, the header edits
(deletions, Authentication-Results inserted, X-Vigie-* added, Subject tag),
the warning banner (the body replaced, the MIME fields that go with it)
and the decision (tag, quarantine with its reason, reject with its text)
that --explain prints are exactly those vigie made on the same message,
recorded by contrib/miltergen/miltergen --actions. Each finding's share adds up
to the score; the report names the configuration and the brand pack; text
from the message is escaped. Prints TAP.
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
from tap import ok  # noqa: E402

BUILD = os.environ.get("top_builddir", os.getcwd())
SRC = os.environ.get("top_srcdir", os.getcwd())
VIGIE = os.environ.get("VIGIE", os.path.join(BUILD, "milter", "vigie"))
VIGIE_CHECK = os.environ.get("VIGIE_CHECK", os.path.join(BUILD, "milter", "vigie-check"))
MILTERGEN = os.path.join(BUILD, "contrib", "miltergen", "miltergen")
KEYS = os.path.join(SRC, "tests", "data", "messages", "keys", "test-keys")


CONFIGS = {
    # every verdict tagged: all the header edits show
    "tag": "DKIMVerify always\nSubjectTag [Usurpation présumée]\n",
    # what a careful site ends up with
    "act": "SuspectAction quarantine\nImpersonationAction reject\n"
           "SubjectTag [USURPATION ?]\nRejectReply Refusé : l’usurpation de « %b » (100 %%)\n",
}

MADE = {
    "forged.eml":
        "X-Vigie-Verdict: clean score=0\nx-vigie-reasons: none\n"
        "Authentication-Results: mx.vigie.test; dkim=pass header.d=viamedis.fr\n"
        "Authentication-Results: other.example; dkim=fail\n"
        "X-VIGIE-VERDICT: clean\n"
        "From: \"Viamedis\" <paiement@xn--viamdis-eya.fr>\nTo: opticien@example.net\n"
        "Subject: Mise a jour de votre RIB\nMessage-ID: <forged@example.net>\n\nBonjour\n",
    "nosubject.eml":
        "From: \"Service Paiement\" <paiement@xn--viamdis-eya.fr>\nTo: o@example.net\n\nRIB\n",
    "tagged.eml":
        "From: \"Service Paiement\" <paiement@xn--viamdis-eya.fr>\nTo: o@example.net\n"
        "Subject: [USURPATION ?] Votre RIB\n\nRIB\n",
    "tagged-utf8.eml":
        "From: \"Service Paiement\" <paiement@xn--viamdis-eya.fr>\nTo: o@example.net\n"
        "Subject: =?UTF-8?Q?[Usurpation_pr=C3=A9sum=C3=A9e]?= Votre RIB\n\nRIB\n",
    "encoded-subject.eml":
        "From: \"Viamedis\" <noreply@viamedis-securite.fr>\nTo: o@example.net\n"
        "Subject: =?utf-8?q?R=C3=A9glement?=\n\nRIB\n",
    "controls.eml":
        "From: \"Via\x1b[31mmedis\" <a@xn--viamdis-eya.fr>\nTo: o@example.net\n"
        "Subject: bad \x07 bell\n\nx\n",
}


def unescape(s):
    """miltergen's escapes back: \\n \\t \\\\ and \\xHH."""
    return re.sub(r"\\(n|t|\\|x[0-9a-fA-F]{2})",
                  lambda m: {"n": "\n", "t": "\t", "\\": "\\"}.get(m.group(1))
                  or chr(int(m.group(1)[1:], 16)), s)


def shown(value):
    """A value as --explain shows it: folds kept, other controls as [U+XXXX]."""
    return re.sub(r"[\x00-\x1f\x7f]",
                  lambda m: m.group(0) if m.group(0) == "\n" else f"[U+{ord(m.group(0)):04X}]",
                  value.replace("\n\t", "\n\x00")).replace("\n[U+0000]", "\n\t")


def envelope_of(path):
    """The Return-Path address of a message file, or the null sender."""
    with open(path, "rb") as f:
        for line in f:
            if line in (b"\n", b"\r\n"):
                break
            if line.lower().startswith(b"return-path:"):
                return line.split(b":", 1)[1].strip().decode("ascii", "replace")
    return "<>"


def milter_edits(lines):
    """{file: (decision, [(kind, name, value)])} from miltergen --actions."""
    out = {}
    for line in lines:
        f = line.split("\t")
        if len(f) < 3 or f[0].startswith("summary"):
            continue
        name = os.path.basename(f[0])
        decision, edits = out.setdefault(name, ["", []])
        kind = f[1]
        if kind == "verdict":
            # the MTA turns "%%" into "%" (Postfix's milter8.c, Sendmail)
            reply = unescape(f[3]).replace("%%", "%") if len(f) > 3 else ""
            out[name][0] = "reject " + reply if f[2] == "reject" else f[2]
        elif kind == "quarantine":
            edits.append(("quarantine", "", unescape(f[3])))
        elif kind == "replbody":
            # the new body comes in chunks: one edit, whatever their number
            if ("body", "", "replaced") not in edits:
                edits.append(("body", "", "replaced"))
        elif kind in ("addheader", "insheader", "chgheader"):
            value = unescape(f[4]) if len(f) > 4 else ""
            if kind == "chgheader" and value == "":
                edits.append(("remove", f"{f[3].lower()}#{f[2]}", ""))
            else:
                edits.append((kind, f[3], shown(value[1:] if value.startswith(" ") else value)))
    return out


def explain_edits(text):
    """(decision, [(kind, name, value)]) from an --explain report."""
    edits, decision = [], ""
    section = ""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("== "):
            section = line
            if line.startswith("== action: "):
                decision = line.split()[2]
        elif section == "== body" and line.startswith("  warning added to "):
            edits.append(("body", "", "replaced"))
        elif (section.startswith("== headers the milter changes") or section == "== body") \
                and line.startswith("  "):
            value_lines = [line]
            while i + 1 < len(lines) and re.match(r"\t| \S", lines[i + 1]):
                i += 1
                value_lines.append(lines[i])
            entry = "\n".join(value_lines)[2:]
            m = re.match(r"(removed|added|changed|inserted at the top): ([^ :]+)(?: #(\d+))?:? ?(.*)\Z",
                         entry, re.S)
            if m:
                what, name, idx, value = m.groups()
                if what == "removed":
                    edits.append(("remove", f"{name.lower()}#{idx}", ""))
                else:
                    kind = {"added": "addheader", "changed": "chgheader",
                            "inserted at the top": "insheader"}[what]
                    edits.append((kind, name, value))
        elif section.startswith("== action: quarantine") and "reason \"" in line:
            edits.append(("quarantine", "", line.split("reason \"", 1)[1].split("\"", 1)[0]))
        elif section.startswith("== action: reject") and "refused: " in line:
            decision = "reject " + line.split("refused: ", 1)[1]
        i += 1
    return decision, edits


def main():
    for tool in (VIGIE, VIGIE_CHECK, MILTERGEN):
        if not os.access(tool, os.X_OK):
            print(f"1..0 # SKIP {tool} is not built")
            return 0
    tmp = tempfile.mkdtemp(prefix="vigie-explain.")
    os.chmod(tmp, 0o755)
    if os.getuid() == 0:
        shutil.chown(tmp, "nobody")
    # what vigie reads once it runs as nobody: here, not in the checkout
    global KEYS
    KEYS = shutil.copy(KEYS, os.path.join(tmp, "test-keys"))
    os.chmod(KEYS, 0o644)
    msgs = os.path.join(tmp, "msgs")
    os.makedirs(msgs)
    sources = sorted(glob.glob(os.path.join(SRC, "tests", "data", "messages", "*.eml")) +
                     glob.glob(os.path.join(SRC, "tests", "data", "parsers", "*.eml")))
    for path in sources:
        shutil.copy(path, msgs)
    for name, text in MADE.items():
        with open(os.path.join(msgs, name), "w", encoding="utf-8") as f:
            f.write(text)
    files = sorted(os.listdir(msgs))
    try:
        for label, extra in CONFIGS.items():
            run(tmp, msgs, files, label, extra)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.plan()


def run(tmp, msgs, files, label, extra):
    sock = os.path.join(tmp, f"{label}.sock")
    conf = os.path.join(tmp, f"{label}.conf")
    log = os.path.join(tmp, f"{label}.log")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"Socket local:{sock}\nSyslog no\nAuthservID mx.vigie.test\nInternalHosts none\n"
                f"TestPublicKeys {KEYS}\n" + extra)
    with open(log, "wb") as lf:
        proc = subprocess.Popen([VIGIE, "-f", "-c", conf], stdout=lf, stderr=lf)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not os.path.exists(sock):
            time.sleep(0.05)
        # one run per message: each gets its own Return-Path as MAIL FROM
        actions, errors = [], []
        for name in files:
            path = os.path.join(msgs, name)
            p = subprocess.run([MILTERGEN, "-q", "-a", "accept,continue,reject,quarantine",
                                "--client-addr", "203.0.113.7", "--mail-from", envelope_of(path),
                                "--actions", "-", "unix:" + sock, path],
                               capture_output=True, text=True, timeout=60)
            actions += p.stdout.splitlines()
            if p.returncode != 0:
                errors.append(f"{name}: {p.stderr.strip()}")
        ok(not errors, f"{label}: the {len(files)} messages went through vigie", errors)
        milter = milter_edits(actions)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    differ, decisions, scores = [], set(), []
    for name in files:
        r = subprocess.run([VIGIE_CHECK, "--explain", "--config", conf, os.path.join(msgs, name)],
                           capture_output=True, text=True, timeout=60)
        if r.returncode == 2 or "== action: " not in r.stdout:
            differ.append(f"{name}: vigie-check --explain failed: {r.stderr.strip()}")
            continue
        decision, edits = explain_edits(r.stdout)
        mdecision, medits = milter.get(name, ["(not seen)", []])
        want = "reject" if mdecision.startswith("reject") else "tag"
        got = "reject" if decision.startswith("reject") else "tag"
        if any(k == "quarantine" for k, _, _ in medits):
            want = "quarantine"
        if decision.startswith("quarantine"):
            got = "quarantine"
        decisions.add(got)
        if got != want or (got == "reject" and decision != mdecision):
            differ.append(f"{name}: explain says {decision!r}, vigie did {mdecision!r}")
        if sorted(edits) != sorted(medits):
            differ.append(f"{name}: explain {sorted(edits)!r}")
            differ.append(f"{name}: vigie   {sorted(medits)!r}")
        sc = re.search(r"^== verdict\n  \w+, score (\d+)", r.stdout, re.M)
        steps = re.findall(r"score \d+ -> (\d+) \(\+\d+\)", r.stdout)
        if sc and steps and steps[-1] != sc.group(1):
            scores.append(f"{name}: findings end at {steps[-1]}, verdict says {sc.group(1)}")
        if any(ord(c) < 32 and c not in "\n\t" for c in r.stdout):
            differ.append(f"{name}: a control character reached the report")
    ok(not differ, f"{label}: for every message, --explain's header edits and decision"
       f" are vigie's ({', '.join(sorted(decisions))} seen)", differ)
    ok(not scores, f"{label}: the findings' shares add up to each verdict's score", scores)
    if label == "act":
        ok({"tag", "quarantine", "reject"} <= decisions,
           f"{label}: the corpus gives all three decisions", sorted(decisions))
        r = subprocess.run([VIGIE_CHECK, "--explain", "--config", conf,
                            os.path.join(msgs, "forged.eml")], capture_output=True, text=True)
        ok("550 5.7.1 Refuse : l'usurpation de << Viamedis >> (100 %)" in r.stdout,
           "act: the reject text is the one sent, transliterated to ASCII", r.stdout.splitlines())
    else:
        r = subprocess.run([VIGIE_CHECK, "--explain", "--config", conf,
                            os.path.join(msgs, "forged.eml")], capture_output=True, text=True)
        ok(f"configuration: {conf}" in r.stdout and "brand pack: built-in" in r.stdout
           and re.search(r"sha256 [0-9a-f]{64}", r.stdout),
           "tag: the report names the configuration and the brand pack with its SHA-256",
           r.stdout.splitlines()[:6])
        removed = [l for l in r.stdout.splitlines() if l.startswith("  removed: ")]
        ok(len(removed) == 4, "tag: the forged X-Vigie-* fields and our Authentication-Results"
           f" are listed as removed ({len(removed)})", r.stdout.splitlines())
        ok("Authentication-Results: other.example; dkim=fail" in r.stdout,
           "tag: another server's Authentication-Results is shown, not removed")
        r = subprocess.run([VIGIE_CHECK, "--explain", "--config", conf,
                            os.path.join(msgs, "controls.eml")], capture_output=True, text=True)
        ok("[U+001B]" in r.stdout and "\x1b" not in r.stdout and "\x07" not in r.stdout,
           "tag: control characters from the message are shown escaped")


if __name__ == "__main__":
    sys.exit(main())
