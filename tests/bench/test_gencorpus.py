#!/usr/bin/python3
"""test_gencorpus - the benchmark corpus is well-formed, sized as documented,
labelled by its manifest, signed so that dkimpy verifies it against the keys
written beside it, and the same for the same seed. Prints TAP.
"""

import email
import email.policy
import mailbox
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dkim  # noqa: E402
from taputil import GENCORPUS, PYTHON3, Tap  # noqa: E402

KINDS = {"plain", "colleague-brand", "qp-french", "alternative", "newsletter", "attachment",
         "brand", "phish-idn", "phish-combo", "phish-display", "phish-link", "phish-rib"}
BRAND_DOMAINS = {"viamedis.fr", "almerys.com", "santeclair.fr", "itelis.fr", "kalixia.fr",
                 "spsante.fr", "info.ameli.fr", "carteblanchepartenaires.fr",
                 "harmonie-mutuelle.fr"}


def gen(out, *args):
    p = subprocess.run([PYTHON3, GENCORPUS, *args, out], capture_output=True, text=True,
                       timeout=600)
    return p.returncode == 0, p.stdout + p.stderr


def manifest(out):
    with open(os.path.join(out, "manifest.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:]]


def raw(out, row):
    with open(os.path.join(out, row["file"]), "rb") as f:
        return f.read()


def keyfunc(out):
    """A dkimpy DNS function answering from the TestPublicKeys file."""
    keys = {}
    with open(os.path.join(out, "test-keys")) as f:
        for line in f:
            name, txt = line.rstrip("\n").split(None, 1)
            keys[name.lower()] = txt.encode()

    def dnsfunc(name, timeout=5):
        return keys.get(name.decode().rstrip(".").lower())
    return dnsfunc


def problems(data):
    """Why a message is not well-formed, or an empty list."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    why = []
    for field in ("From", "To", "Subject", "Date", "Message-ID"):
        if msg[field] is None:
            why.append("no " + field)
    for part in msg.walk():
        why += [f"{part.get_content_type()}: {d!r}" for d in part.defects]
        if not part.is_multipart():
            try:
                part.get_content()
            except Exception as e:  # a part that does not decode
                why.append(f"{part.get_content_type()}: {e}")
    if re.search(rb"[^\n]{999}", data):
        why.append("a line over 998 bytes")
    return why, msg


def shape(kind, msg):
    """Does the MIME structure match what the manifest says the message is?"""
    types = [p.get_content_type() for p in msg.walk()]
    html = next((p.get_content() for p in msg.walk() if p.get_content_type() == "text/html"), "")
    text = next((p for p in msg.walk() if p.get_content_type() == "text/plain"), None)
    dom = msg["From"].addresses[0].domain if msg["From"].addresses else ""
    if kind == "newsletter":
        return types[0] == "multipart/alternative" and html.count("<a href") >= 20
    if kind == "attachment":
        pdf = [p for p in msg.walk() if p.get_content_type() == "application/pdf"]
        return (types[0] == "multipart/mixed" and len(pdf) == 1
                and pdf[0]["Content-Transfer-Encoding"] == "base64"
                and pdf[0].get_content().startswith(b"%PDF-"))
    if kind == "qp-french":
        return (text["Content-Transfer-Encoding"] == "quoted-printable"
                and "é" in text.get_content())
    if kind == "alternative":
        return types[:3] == ["multipart/alternative", "text/plain", "text/html"]
    if kind == "brand":
        return dom in BRAND_DOMAINS
    if kind == "phish-idn":
        return dom.startswith("xn--") and dom not in BRAND_DOMAINS
    if kind == "phish-link":
        return re.search(r'href="https://[^"/]+\.[a-z-]+\.[a-z]+/login"', html) is not None
    if kind == "phish-rib":
        return "IBAN" in text.get_content() and dom not in BRAND_DOMAINS
    return text is not None


def check_corpus(t, out, rows, label, exact=None):
    bad = [(r["file"], w) for r in rows for w in [problems(raw(out, r))[0]] if w]
    t.ok(not bad, f"{label}: Python's email parser reads every message, no defect", bad[:5])
    sizes = [len(raw(out, r)) for r in rows]
    lo, hi = (exact, exact) if exact else (2048, 200 * 1024)
    t.ok(all(lo <= s <= hi for s in sizes) and all(int(r["bytes"]) == s for r, s in zip(rows, sizes)),
         f"{label}: sizes within {lo}..{hi} bytes, as the manifest says",
         [(r["file"], s) for r, s in zip(rows, sizes) if not lo <= s <= hi][:5])
    wrong = [r["file"] for r in rows if not shape(r["kind"], problems(raw(out, r))[1])]
    t.ok(not wrong, f"{label}: each message has the structure its kind says", wrong[:5])
    signed = [r for r in rows if r["dkim"] != "-"]
    dnsfunc = keyfunc(out) if signed else None
    failed = [r["file"] for r in signed if not dkim.verify(raw(out, r), dnsfunc=dnsfunc)]
    unsigned = [r["file"] for r in rows if r["dkim"] == "-" and b"DKIM-Signature" in raw(out, r)]
    t.ok(signed and not failed and not unsigned,
         f"{label}: {len(signed)} signed messages verify with dkimpy against test-keys",
         (failed[:5], unsigned[:5]))
    return signed


def main():
    t = Tap()
    tmp = tempfile.mkdtemp(prefix="vigie-gencorpus-")
    try:
        mixed = os.path.join(tmp, "mixed")
        ok, out = gen(mixed, "--count", "96", "--seed", "t1", "--signed", "0.5")
        t.ok(ok, "generates 96 mixed messages, half signed", out)
        rows = manifest(mixed)
        files = sorted(os.listdir(os.path.join(mixed, "messages")))
        t.ok(len(rows) == 96 and sorted(os.path.basename(r["file"]) for r in rows) == files,
             "the manifest lists every message file, once", (len(rows), len(files)))
        t.ok({r["kind"] for r in rows} == KINDS and {r["intent"] for r in rows} == {"legit", "phish"},
             "every kind of the documented mix is present, legit and phish",
             sorted({r["kind"] for r in rows}))
        signed = check_corpus(t, mixed, rows, "mixed")
        t.ok({r["dkim"] for r in signed} == {"rsa2048/rsa-sha256", "ed25519/ed25519-sha256"},
             "both rsa-2048 and ed25519 selectors are used", {r["dkim"] for r in signed})

        again = os.path.join(tmp, "again")
        ok, out = gen(again, "--count", "24", "--seed", "t1", "--signed", "0.5",
                      "--keys", os.path.join(mixed, "keys"))
        same = ok and all(raw(again, r) == raw(mixed, m)
                          for r, m in zip(manifest(again), manifest(mixed)[:24]))
        t.ok(same, "same seed and keys: the same bytes, whatever --count", out)
        other = os.path.join(tmp, "other")
        ok, out = gen(other, "--count", "24", "--seed", "t2")
        t.ok(ok and raw(other, manifest(other)[0]) != raw(mixed, manifest(mixed)[0]),
             "another seed gives other messages", out)

        fixed = os.path.join(tmp, "fixed")
        ok, out = gen(fixed, "--count", "48", "--size", "4096", "--all-signed",
                      "--keys", os.path.join(mixed, "keys"))
        t.ok(ok, "generates 48 messages of exactly 4096 bytes, all signed", out)
        rows = manifest(fixed)
        check_corpus(t, fixed, rows, "4 KB", exact=4096)

        box = os.path.join(tmp, "box")
        ok, out = gen(box, "--count", "24", "--seed", "t1", "--mbox")
        msgs = list(mailbox.mbox(os.path.join(box, "corpus.mbox")))
        t.ok(ok and len(msgs) == 24 and all(m.as_bytes().endswith(b"\n") for m in msgs)
             and [m["Message-ID"] for m in msgs]
             == [email.message_from_bytes(raw(mixed, r))["Message-ID"] for r in manifest(mixed)[:24]],
             "--mbox writes the same messages into one mbox that mailbox reads back", out)
        ok, out = gen(os.path.join(tmp, "bad"), "--size", "100")
        t.ok(not ok and "--size" in out, "--size under 2048 is refused", out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        t.done()


if __name__ == "__main__":
    main()
