#!/usr/bin/python3
"""postfix_check.py - the messages of tests/e2e/banner.sh, sent through a
real Postfix whose milter is vigie, and what reached the next hop:

    postfix_check.py make DIR            the messages, and what to expect
    postfix_check.py send HOST PORT DIR  each over its own SMTP session
    postfix_check.py check DIR SINK      one line per check: ok|not ok, tab,
                                         description (tab, detail)

The messages: every shape of the golden matrix (shapes.py: flagged, from a
look-alike of Viamedis), a 2 MB flagged message and a 2 MB clean one (over
BannerMemory: their bodies go through BannerSpool), and clean messages of
several shapes. A flagged message must arrive with the banner in each part
a reader sees and everything else as it was (check_banner.compare); a
message whose body stays, and every clean one, with its body byte for byte.
"""
import base64
import email
import json
import os
import smtplib
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_banner  # noqa: E402
import shapes  # noqa: E402

CLEAN_FROM = b"From: Alice Martin <alice@example.org>\r\n"


def big(name, sender):
    """a 2 MB message: a long French text part and a PDF-like attachment"""
    text = "".join("Ligne %05d du compte rendu : la r\u00e9union du conseil, les"
                   " remboursements et le tiers payant.\r\n" % i for i in range(9000))
    pdf = base64.b64encode(bytes(range(256)) * 4000).decode()
    pdf = "\r\n".join(pdf[i:i + 76] for i in range(0, len(pdf), 76))
    return ("%sTo: opticien@example.net\r\nSubject: Compte rendu\r\n"
            "Message-ID: <%s@shapes.test>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n"
            "--big\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            "%s--big\r\nContent-Type: application/pdf; name=cr.pdf\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Disposition: attachment; filename=cr.pdf\r\n\r\n%s\r\n--big--\r\n"
            % (sender, name, text, pdf)).encode("utf-8")


def clean_of(raw):
    """the same message from a colleague: vigie finds it clean"""
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"from:")]
    head = CLEAN_FROM + b"\r\n".join(lines).replace(b"@shapes.test>", b"@clean.test>")
    body = body.replace("Viam\u00e9dis".encode(), b"Martin").replace(b"viamedis-securite.fr",
                                                                   b"example.org")
    return head + b"\r\n\r\n" + body


def message_id(raw):
    return (email.message_from_bytes(raw).get("Message-ID") or "").strip("<> ")


def make(d):
    os.makedirs(d, exist_ok=True)
    expect = {}

    def put(name, raw, exp):
        expect[name] = [exp, message_id(raw)]
        with open(os.path.join(d, name + ".eml"), "wb") as f:
            f.write(raw)
    for name, raw, exp in shapes.shapes():
        put(name, raw, exp)
    for name in ("plain-latin1", "alternative", "nested-multiparts", "calendar-invite",
                 "plain-base64", "html-only"):
        raw = [r for n, r, _ in shapes.shapes() if n == name][0]
        put("clean-" + name, clean_of(raw), "clean")
    put("big-flagged", big("big-flagged", "From: Viamedis <noreply@xn--viamdis-eya.fr>\r\n"),
        "changed plain")
    put("big-clean", big("big-clean", CLEAN_FROM.decode()), "clean")
    with open(os.path.join(d, "expect.json"), "w") as f:
        json.dump(expect, f)
    print(len(expect))


def send(host, port, d):
    with open(os.path.join(d, "expect.json")) as f:
        expect = json.load(f)
    bad = 0
    for name in sorted(expect):
        with open(os.path.join(d, name + ".eml"), "rb") as f:
            raw = f.read()
        try:
            with smtplib.SMTP(host, int(port), timeout=60) as s:
                s.sendmail("sender@example.org", ["opticien@example.net"], raw)
        except (smtplib.SMTPException, OSError) as e:
            print("%s: %s" % (name, e), file=sys.stderr)
            bad += 1
    return 1 if bad else 0


def body_of(raw):
    """the body, line breaks as LF"""
    raw = raw.replace(b"\r\n", b"\n")
    return raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""


def received(sink):
    """{Message-ID: bytes} of the dumps smtp-sink wrote (LF line ends, one
    more LF at the end than the message had)"""
    out = {}
    for f in os.listdir(sink):
        with open(os.path.join(sink, f), "rb") as fh:
            raw = fh.read()
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        out[message_id(raw)] = raw.replace(b"\n", b"\r\n")
    return out


def check(d, sink):
    with open(os.path.join(d, "expect.json")) as f:
        expect = json.load(f)
    got = received(sink)
    lines = []

    def say(cond, what, detail=""):
        lines.append("%s\t%s\t%s" % ("ok" if cond else "not ok", what, detail))

    missing = sorted(n for n, (_, mid) in expect.items() if mid not in got)
    say(not missing, "every message reached the next hop (%d of %d)" %
        (len(expect) - len(missing), len(expect)), " ".join(missing)[:300])
    changed, kept, clean = [], [], []
    for name, (exp, mid) in sorted(expect.items()):
        with open(os.path.join(d, name + ".eml"), "rb") as f:
            raw = f.read()
        after = got.get(mid)
        if after is None:
            continue
        state, kinds = shapes.expected_kinds(exp) if exp != "clean" else ("clean", [])
        if state == "changed":
            probs, found = check_banner.compare(raw, after)
            if probs or found != kinds:
                changed.append("%s: %s (parts %s)" % (name, "; ".join(probs), found))
        elif body_of(after) != body_of(raw):
            (clean if state == "clean" else kept).append(name)
    say(not changed, "flagged messages arrive with the banner in each part a reader sees,"
        " the rest as it was", " | ".join(changed)[:600])
    say(not kept, "flagged messages whose body stays (signed, malformed...) arrive with"
        " their body byte for byte", " ".join(kept))
    say(not clean, "clean messages arrive with their body byte for byte (%d, one of 2 MB)" %
        sum(1 for e, _ in expect.values() if e == "clean"), " ".join(clean))
    bigf = got.get(expect["big-flagged"][1], b"")
    big_ok = b"-- vigie ---" in bigf and body_of(bigf).endswith(b"--big--\n")
    say(big_ok, "a 2 MB flagged message (its body past BannerMemory, in BannerSpool) arrives"
        " whole, with the banner")
    print("\n".join(lines))
    return 0


def main():
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
        return 0
    if cmd == "send":
        return send(sys.argv[2], sys.argv[3], sys.argv[4])
    return check(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
