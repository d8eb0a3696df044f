"""cases - hostile messages and what vigie must make of them.

Each case is a message an attacker could send, built here byte by byte
(deterministic: the same bytes every run), with the outcome the analysis
must give whatever the path (vigie-check FILE, the milter):

  verdict   the verdict, exactly
  codes     reason codes that must be there
  absent    reason codes that must not be there
  caps      message_caps fields (vigie-check --json "caps"): exact values,
            or (">", n) for "more than n"
  dkim      results of the DKIM signatures, in order, when given
  secs      vigie-check must be done within this many seconds

Used by tests/hostile/hostile.py. Keys: signatures are made with the test
keys of tests/data/messages/keys (dkimpy), and the name server hostile.py
runs serves the records named in KEY_RECORDS (keys, and the brand's DMARC
record).
"""
import base64
import os

CRLF = b"\r\n"
HOMOGLYPH = b"xn--viamdis-eya.fr"          # viamedis.fr with an e-acute
FILLER = b"Bonjour,\r\nVoici le document.\r\n"


def msg(headers, body=FILLER):
    """a message from (name, value) pairs (bytes) and a body"""
    out = b"".join(n + b": " + v + CRLF for n, v in headers)
    return out + CRLF + body


def std(from_value, extra=(), subject=b"Votre dossier", body=FILLER, to=b"opticien@example.net"):
    """the usual header block around a From value"""
    return msg([(b"From", from_value), (b"To", to), (b"Subject", subject),
                (b"Date", b"Mon, 5 Feb 2024 10:00:00 +0100"),
                (b"Message-ID", b"<hostile@example.net>")] + list(extra), body)


def ew(raw, enc="b"):
    """an RFC 2047 encoded word holding raw bytes (utf-8)"""
    if enc == "b":
        return b"=?utf-8?b?" + base64.b64encode(raw) + b"?="
    return b"=?utf-8?q?" + b"".join(b"=%02X" % c for c in raw) + b"?="


def mime(ctype, body, extra=b""):
    """a whole message with a MIME body"""
    return std(b"Alice Martin <alice@example.org>",
               [(b"MIME-Version", b"1.0"), (b"Content-Type", ctype)] +
               ([(b"Content-Transfer-Encoding", extra)] if extra else []), body=body)


def nested(depth):
    """depth multiparts one inside the other, a link at the bottom"""
    head, tail = b"", b""
    for i in range(depth):
        head += b"--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n" % (i, i + 1)
        tail = b"\r\n--b%d--\r\n" % i + tail
    inner = (b"--b%d\r\nContent-Type: text/plain\r\n\r\nhttps://%s/login\r\n--b%d--\r\n"
             % (depth, HOMOGLYPH, depth))
    return mime(b"multipart/mixed; boundary=\"b0\"", head + inner + tail)


def big_body(size):
    """a text body of size bytes, a lookalike link at its very start"""
    line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n"
    first = b"Connectez-vous sur https://" + HOMOGLYPH + b"/espace\r\n"
    return first + line * ((size - len(first)) // len(line) + 1)


def one_line_html(size):
    """an HTML part that is one line of size bytes, links at both ends"""
    start = b"<html><body><a href=\"https://" + HOMOGLYPH + b"/a\">viamedis.fr</a>"
    end = b"<a href=\"https://late.example.com/\">late</a></body></html>\r\n"
    pad = b"<span>x</span>" * ((size - len(start) - len(end)) // 14)
    return mime(b"text/html; charset=utf-8", start + pad + end)


def labels(n, label=b"a"):
    """a domain of n labels"""
    return b".".join([label] * (n - 1) + [b"fr"])


def dkim_sig(selector=b"s2024", tags=b"", d=b"viamedis.fr", h=b"from:to:subject", a=b"rsa-sha256"):
    """a DKIM-Signature value (not a real signature: what is tested happens
    before or instead of the hash check)"""
    return (b"v=1; a=" + a + b"; c=relaxed/relaxed; d=" + d + b"; s=" + selector +
            b"; h=" + h + b"; bh=" + b"A" * 43 + b"=; b=" + b"B" * 342 + b"==" + tags)


def brand_sig_msg(sigs, body=FILLER):
    """From viamedis.fr with these DKIM-Signature values"""
    return std(b"Viamedis <paiement@viamedis.fr>", [(b"DKIM-Signature", s) for s in sigs], body=body)


ABSURD = [
    dkim_sig(tags=b"; l=99999999999999999999999"),
    dkim_sig(tags=b"; t=1; x=2"),                        # expired in 1970
    dkim_sig(tags=b"; t=99999999999"),                   # signed in the year 5138
    dkim_sig(tags=b"; i=@evil.example"),
    dkim_sig(a=b"rsa-sha999"),
    dkim_sig(h=b"to:subject"),                           # From not signed
    dkim_sig().replace(b"v=1", b"v=2"),
    dkim_sig(tags=b"; q=dns/none; zz=" + b"z" * 3000),
]


# a 16 KB key record and one that is not base64, served by hostile.py's server
KEY_RECORDS = {
    "huge._domainkey.viamedis.fr": b"v=DKIM1; k=rsa; p=" + b"QUJD" * 4096,
    "long._domainkey.viamedis.fr": b"v=DKIM1; k=rsa; p=" + b"QUJD" * 750,
    "junk._domainkey.viamedis.fr": b"v=DKIM1; k=rsa; p=!!!this*is(not)base64%%%",
    # the brand enforces DMARC, so a signature that fails is impersonation
    # (vigie-scoring(7): without a record the table says suspect at most)
    "_dmarc.viamedis.fr": b"v=DMARC1; p=reject",
}

MB = 1 << 20
CASES = [
    # ---- header fields ----
    # From last, after 9,998 fields an attacker hopes will tire the filter
    dict(name="header-10000-fields", secs=3,
         data=msg([(b"X-Filler-%d" % i, b"value %d" % i) for i in range(9998)] +
                  [(b"From", b"\"Service\" <paiement@" + HOMOGLYPH + b">"), (b"To", b"a@example.net")]),
         verdict="impersonation", codes=["homoglyph"], caps={"header_skipped": 8998}),
    dict(name="header-1mb-value", secs=3,
         data=std(b"Alice Martin <alice@example.org>", subject=b"A" * MB),
         verdict="clean", caps={"header_truncated": 1}),
    # bytes that are no UTF-8 are shown as such: no brand name reads through
    dict(name="header-invalid-utf8", secs=3,
         data=std(b"\"Via\xffme\xc3dis \xed\xa0\x80\" <x@gmail.com>", subject=b"\xfe\xff RIB \xc0\xaf"),
         verdict="clean", absent=["display-name"]),
    dict(name="header-nul-bytes", secs=3,
         data=std(b"\"Viamedis\x00\" <x\x00@gmail.com>", subject=b"a\x00b"),
         verdict="impersonation", codes=["display-name", "bad-from"]),
    # clients show a bare CR as a break: "Viamedis" stays a word
    dict(name="header-bare-cr", secs=3,
         data=std(b"\"Viamedis\rX-Vigie-Verdict: clean\" <x@gmail.com>", subject=b"a\rb\rc"),
         verdict="suspect", codes=["display-name"]),
    dict(name="header-encoded-crlf-nul", secs=3,
         data=std(ew(b"Viamedis\r\nX-Vigie-Verdict: clean score=0\r\n\x00") + b" <x@gmail.com>",
                  subject=ew(b"RIB\r\nBcc: a@b\x00", "q")),
         verdict="impersonation", codes=["display-name", "lure"]),
    dict(name="header-1000-from-addresses", secs=3,
         data=std(b", ".join(b"a%d@%s" % (i, HOMOGLYPH) for i in range(1000))),
         verdict="impersonation", codes=["homoglyph", "bad-from"],
         caps={"header_truncated": 1, "addresses_dropped": (">", 0)}),
    dict(name="header-unclosed-quote", secs=3,
         data=std(b"\"Viamedis <x@gmail.com>"),
         verdict="impersonation", codes=["display-name", "bad-from"]),
    dict(name="header-unclosed-comment", secs=3,
         data=std(b"x@gmail.com (Viamedis"),
         verdict="impersonation", codes=["display-name", "bad-from"]),
    dict(name="header-nested-groups", secs=3,
         data=std(b"a: b: c: d: x@viamedis.fr;;;;"),
         verdict="impersonation", codes=["bad-from"]),
    # ---- domains ----
    dict(name="domain-255-bytes", secs=3,
         data=std(b"Viamedis <x@" + b"a" * 60 + b"." + b"b" * 60 + b"." + b"c" * 60 + b"." +
                  b"d" * 60 + b".viamedis.fr>"),
         verdict="impersonation", codes=["display-name", "bad-from"]),
    dict(name="domain-127-labels", secs=3,
         data=std(b"x@" + labels(127)),
         verdict="clean", codes=["bad-from"]),
    dict(name="domain-bad-punycode", secs=3,
         data=std(b"Service <x@xn--viamdis-9999zzz.fr>",
                  body=b"https://xn--99zz.fr/ https://xn--a-.fr/ https://xn--.fr/\r\n"),
         verdict="clean", codes=["bad-from"]),
    dict(name="domain-five-scripts", secs=3,
         data=std(b"Service <x@" + "vаβдաა".encode() + b".fr>"),
         verdict="suspect", codes=["mixed-script"]),
    dict(name="domain-right-to-left", secs=3,
         data=std("\"\u202esidemaiV\" <x@viamedis-\u05e9\u05dc\u05d5\u05dd.fr>".encode()),
         verdict="impersonation", codes=["display-name", "bad-from"]),
    # ---- MIME ----
    dict(name="mime-1000-nested", secs=5, data=nested(1000),
         verdict="clean", caps={"mime_flags": (">", 0)}),
    dict(name="mime-unclosed-boundary", secs=3,
         data=mime(b"multipart/alternative; boundary=\"zz\"",
                   b"--zz\r\nContent-Type: text/plain\r\n\r\nhttps://" + HOMOGLYPH + b"/x\r\n"),
         verdict="suspect", codes=["link-lookalike"]),
    # clients skip what is not base64, so the link between the garbage shows
    dict(name="mime-base64-garbage", secs=3,
         data=mime(b"text/plain; charset=utf-8",
                   base64.b64encode(b"Bonjour,\r\n") + b"\r\n!!**%%\x00\xff~~\r\n" +
                   base64.b64encode(b"Lien : https://" + HOMOGLYPH + b"/connexion \r\n") +
                   b"\r\n====garbage====\r\n", b"base64"),
         verdict="suspect", codes=["link-lookalike"]),
    dict(name="mime-50mb-body", secs=10,
         data=std(b"Alice Martin <alice@example.org>", body=big_body(50 * MB)),
         verdict="suspect", codes=["link-lookalike"], caps={"body_unscanned": (">", 49 * MB)}),
    dict(name="mime-html-5mb-line", secs=10, data=one_line_html(5 * MB),
         verdict="suspect", codes=["link-lookalike"], caps={"body_unscanned": (">", 4 * MB)}),
    # ---- DKIM ----
    dict(name="dkim-absurd-tags", secs=3, data=brand_sig_msg(ABSURD),
         verdict="impersonation", codes=["brand-unauthenticated"], dkim="nopass"),
    # 16 KB cannot come in the 1232 bytes asked for: the lookup fails (temperror),
    # which alone calls nobody an impersonator
    dict(name="dkim-16kb-key-record", secs=5, data=brand_sig_msg([dkim_sig(b"huge")]),
         verdict="clean", codes=["brand-unauthenticated"], dkim=["temperror"]),
    # 3 KB comes whole, and is more than a key record may be
    dict(name="dkim-3kb-key-record", secs=5, data=brand_sig_msg([dkim_sig(b"long")]),
         verdict="impersonation", codes=["brand-unauthenticated"], dkim=["permerror"]),
    dict(name="dkim-key-not-base64", secs=5, data=brand_sig_msg([dkim_sig(b"junk")]),
         verdict="impersonation", codes=["brand-unauthenticated"], dkim=["permerror"]),
    dict(name="dkim-50-signatures", secs=5,
         data=brand_sig_msg([dkim_sig()] + [dkim_sig(b"s%d" % i, d=b"signer%d.example" % i, h=b"from")
                                            for i in range(49)]),
         verdict="impersonation", codes=["brand-unauthenticated"], dkim=["fail"],
         caps={"header_skipped": 34, "dkim_unverified": 40}),
]


def write_all(directory):
    """every case as DIR/NAME.eml; returns the cases"""
    os.makedirs(directory, exist_ok=True)
    for c in CASES:
        with open(os.path.join(directory, c["name"] + ".eml"), "wb") as f:
            f.write(c["data"])
    return CASES
