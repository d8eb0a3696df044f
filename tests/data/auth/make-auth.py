#!/usr/bin/python3
"""make-auth - write the corpus of vigie's SPF/DMARC verdict table
(tests/data/auth): one message per row of the table in vigie-scoring(7), the
DNS they are judged against (zone, TestDNS format: SPF, DMARC and DKIM
records) and the SMTP envelope of each (cases: client address, HELO, MAIL
FROM, extra vigie-check options).

    /usr/bin/python3 tests/data/auth/make-auth.py [DIR]

Keys are those of tests/data/messages/keys (the brands' key signs for every
brand domain here, the "lookalike" key for the ESP, the list and the
attacker). What each message must give is in DIR/MANIFEST, written by hand.
Signatures carry no x=, so they never expire.
"""
import base64
import os
import subprocess
import sys

import dkim

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(DIR, "..", "messages", "keys")
DATE = "Tue, 12 Mar 2024 10:30:00 +0100"

# who signs: selector, domain, private key
SIGNERS = {
    "viamedis": (b"s2024", b"viamedis.fr", "viamedis.pem"),
    "news": (b"s2024", b"news.viamedis.fr", "viamedis.pem"),
    "almerys": (b"k1", b"almerys.com", "viamedis.pem"),
    "santeclair": (b"k1", b"santeclair.fr", "viamedis.pem"),
    "ameli": (b"mail", b"ameli.fr", "ameli.pem"),
    "amelisub": (b"mail", b"info.ameli.fr", "ameli.pem"),
    "down": (b"down", b"viamedis.fr", "viamedis.pem"),
    "esp": (b"esp1", b"esp.example", "lookalike.pem"),
    "list": (b"l1", b"lists.syndicat.example", "lookalike.pem"),
    "evil": (b"k1", b"evil.example", "lookalike.pem"),
}

ZONE_HEAD = """# zone - the DNS of tests/data/auth (TestDNS format, vigie-check(1)),
# written by make-auth.py. 192.0.2.0/24 sends for the brands, 203.0.113.0/25
# is the e-mail service provider, 203.0.113.128/25 the union's list server,
# 198.18.0.0/24 the attacker.

# Viamedis: p=reject, sp=none for its subdomains; SPF for its servers
viamedis.fr               TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.viamedis.fr        TXT "v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@viamedis.fr"
mail.viamedis.fr          A   192.0.2.25
mail.viamedis.fr          TXT "v=spf1 a -all"
bounce.viamedis.fr        TXT "v=spf1 redirect=viamedis.fr"
spfdown.viamedis.fr       TXT SERVFAIL
down._domainkey.viamedis.fr TXT SERVFAIL

# Almerys: p=quarantine, SPF by a and mx
almerys.com               TXT "v=spf1 a mx -all"
almerys.com               A   192.0.2.30
almerys.com               MX  10 mx.almerys.com
mx.almerys.com            A   192.0.2.31
_dmarc.almerys.com        TXT "v=DMARC1; p=quarantine"

# SP Sante: p=quarantine for half its mail only (pct=50)
spsante.fr                TXT "v=spf1 ip4:192.0.2.40 -all"
_dmarc.spsante.fr         TXT "v=DMARC1; p=quarantine; pct=50"

# Santeclair: p=none; its newsletter goes through the ESP (include)
santeclair.fr             TXT "v=spf1 ip4:192.0.2.50 include:_spf.esp.example -all"
_dmarc.santeclair.fr      TXT "v=DMARC1; p=none; rua=mailto:dmarc@santeclair.fr"

# Itelis: SPF but no DMARC record
itelis.fr                 TXT "v=spf1 ip4:192.0.2.60 -all"

# Kalixia: its DMARC record cannot be fetched
kalixia.fr                TXT "v=spf1 ip4:192.0.2.70 -all"
_dmarc.kalixia.fr         TXT SERVFAIL

# Assurance Maladie: strict alignment
ameli.fr                  TXT "v=spf1 ip4:192.0.2.80 -all"
_dmarc.ameli.fr           TXT "v=DMARC1; p=reject; adkim=s; aspf=s"

# Optistya: two DMARC records (RFC 7489 6.6.3: no DMARC applies)
optistya.fr               TXT "v=spf1 ip4:192.0.2.90 -all"
_dmarc.optistya.fr        TXT "v=DMARC1; p=reject"
_dmarc.optistya.fr        TXT "v=DMARC1; p=none"

# Harmonie Mutuelle: a record libopendmarc cannot read (p=bogus)
harmonie-mutuelle.fr      TXT "v=spf1 ip4:192.0.2.95 -all"
_dmarc.harmonie-mutuelle.fr TXT "v=DMARC1; p=bogus; rua=mailto:dmarc@harmonie-mutuelle.fr"

# the e-mail service provider, the union's list server, the attacker
esp.example               TXT "v=spf1 include:_spf.esp.example -all"
_spf.esp.example          TXT "v=spf1 ip4:203.0.113.0/25 -all"
lists.syndicat.example    TXT "v=spf1 ip4:203.0.113.128/25 -all"
_dmarc.syndicat.example   TXT "v=DMARC1; p=none"
evil.example              TXT "v=spf1 ip4:198.18.0.0/24 -all"

# DKIM keys
"""

TO = ("To", "pharmacie@officine-lefevre.fr")
NOTICE = """Bonjour,

Votre relevé de paiements tiers payant de mars est disponible dans votre
espace professionnel.

Le service Partenaires
"""
NEWSLETTER = """Bonjour,

Retrouvez nos actualités de mars sur https://click.esp.example/t/9a1?u=https%3A%2F%2Fwww.santeclair.fr

Pour ne plus recevoir cette lettre : https://click.esp.example/unsub/12
"""
PHISH = """Madame, Monsieur,

Suite à un incident de sécurité, merci de mettre à jour votre RIB sous
48 heures, faute de quoi vos remboursements seront suspendus.

Le service Partenaires
"""
FOOTER = """
_______________________________________________
Pharmaciens IDF - liste du syndicat
https://lists.syndicat.example/pharmaciens-idf
"""
FOOTER_LOOKALIKE = """
_______________________________________________
Pharmaciens IDF : reconnectez-vous sur https://www.viarnedis.fr/espace-pro
"""


def pubkey(pem):
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(der).decode()


def txt_strings(value):
    """a TXT value as quoted strings of at most 255 octets"""
    return " ".join('"%s"' % value[i:i + 250] for i in range(0, len(value), 250))


def write_zone():
    done = set()
    lines = [ZONE_HEAD]
    for sel, dom, pem in SIGNERS.values():
        name = "%s._domainkey.%s" % (sel.decode(), dom.decode())
        if name in done or sel == b"down":
            continue
        done.add(name)
        lines.append("%s TXT %s\n" % (name, txt_strings(
            "v=DKIM1; k=rsa; p=" + pubkey(os.path.join(KEYS, pem)))))
    with open(os.path.join(DIR, "zone"), "w") as f:
        f.write("".join(lines))


def message(headers, body, mid):
    h = "".join("%s: %s\r\n" % kv for kv in headers)
    h += "Date: %s\r\nMessage-ID: <%s@auth.test>\r\nMIME-Version: 1.0\r\n" % (DATE, mid)
    h += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
    return (h + "\r\n" + body.replace("\n", "\r\n")).encode("utf-8")


def sign(msg, who, heads=(b"from", b"to", b"subject", b"date", b"message-id", b"content-type")):
    sel, dom, pem = SIGNERS[who]
    with open(os.path.join(KEYS, pem), "rb") as f:
        key = f.read()
    sig = dkim.sign(msg, sel, dom, key, canonicalize=(b"relaxed", b"relaxed"),
                    include_headers=list(heads), linesep=b"\r\n")
    return sig + msg


def listify(signed, footer, tag="[Pharmaciens IDF] "):
    """a list's changes: Subject tagged, List-Id added, footer appended; the list signs"""
    head, body = signed.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    out = []
    for line in lines:
        if line.startswith(b"Subject: "):
            line = b"Subject: " + tag.encode() + line[9:]
        out.append(line)
    out.append(b"List-Id: Pharmaciens IDF <pharmaciens-idf.lists.syndicat.example>")
    out.append(b"List-Post: <mailto:pharmaciens-idf@lists.syndicat.example>")
    msg = b"\r\n".join(out) + b"\r\n\r\n" + body + footer.replace("\n", "\r\n").encode()
    return sign(msg, "list", (b"from", b"to", b"subject", b"list-id", b"date", b"message-id"))


def trusted(msg, results, below=None):
    """a trusted relay's Authentication-Results above its own Received field"""
    top = ("Authentication-Results: relay.syndicat.example; %s\r\n"
           "Received: from mx.sender.example (mx.sender.example [198.18.0.9])\r\n"
           "\tby relay.syndicat.example; %s\r\n" % (results, DATE)).encode()
    if below:
        top += ("Authentication-Results: relay.syndicat.example; %s\r\n" % below).encode()
    return top + msg


def w(name, data):
    with open(os.path.join(DIR, name), "wb") as f:
        f.write(data)


def brand(mid, frm, subject="Votre relevé de paiements", body=NOTICE, extra=()):
    return message([("From", frm), TO, ("Subject", subject)] + list(extra), body, mid)


def main():
    write_zone()
    via = "Viamedis <noreply@viamedis.fr>"
    w("reject-dkim-pass.eml", sign(brand("a1", via), "viamedis"))
    w("reject-spf-only.eml", brand("a2", via))
    w("reject-spoof.eml", brand("a3", via))
    w("quarantine-spoof.eml", brand("a4", "Almerys <contact@almerys.com>"))
    w("pct-quarantine-spoof.eml", brand("a5", "SP Santé <contact@spsante.fr>"))
    w("none-esp-newsletter.eml", sign(brand("a6", "Santéclair <news@santeclair.fr>",
                                            "Les actualités de mars", NEWSLETTER), "esp"))
    w("none-spf-fail.eml", brand("a7", "Santéclair <contact@santeclair.fr>"))
    w("none-spf-fail-lure.eml", brand("a8", "Santéclair <contact@santeclair.fr>",
                                      "Mise à jour de vos coordonnées bancaires", PHISH))
    w("norecord-esp.eml", sign(brand("a9", "Itelis <infos@itelis.fr>"), "esp"))
    w("norecord-reply-lure.eml", brand("a10", "Itelis <infos@itelis.fr>",
                                       "Mise à jour de vos coordonnées bancaires", PHISH,
                                       [("Reply-To", "service@evil.example")]))
    w("dmarc-temperror.eml", brand("a11", "Kalixia <contact@kalixia.fr>"))
    w("dkim-temperror.eml", sign(brand("a12", via), "down"))
    w("spf-temperror.eml", brand("a13", via))
    w("subdomain-sp.eml", brand("a14", "Viamedis <infos@news.viamedis.fr>"))
    w("strict-relaxed-dkim.eml", sign(brand("a15", "L'Assurance Maladie <ne-pas-repondre@info.ameli.fr>"),
                                      "ameli"))
    w("pack-signer.eml", sign(brand("a16", via), "esp"))
    w("null-sender-helo.eml", brand("a17", via))
    w("dmarc-two-records.eml", brand("a21", "Optistya <contact@optistya.fr>"))
    w("dmarc-bad-record.eml", brand("a22", "Harmonie Mutuelle <contact@harmonie-mutuelle.fr>"))
    original = sign(brand("a18", via, "Portail de teletransmission disponible"), "viamedis")
    w("list-relay.eml", listify(original, FOOTER))
    w("list-relay-lookalike.eml", listify(original, FOOTER_LOOKALIKE))
    tampered = original.replace(b"de mars", b"d'avril")
    w("list-tampered.eml", listify(tampered, FOOTER))
    w("trusted-relay.eml", trusted(brand("a19", via),
                                   "spf=pass smtp.mailfrom=bounce.viamedis.fr;\r\n\tdmarc=pass header.from=viamedis.fr"))
    w("trusted-below.eml", trusted(brand("a20", via), "spf=fail smtp.mailfrom=viamedis.fr",
                                   "dkim=pass header.d=viamedis.fr; dmarc=pass header.from=viamedis.fr"))
    # the relay added nothing: the only field with its id sits below its own Received
    w("trusted-below-only.eml", (
        "Received: from relay.syndicat.example (relay.syndicat.example [192.0.2.254])\r\n"
        "\tby mx.test; %s\r\n"
        "Received: from mx.sender.example (mx.sender.example [198.18.0.9])\r\n"
        "\tby relay.syndicat.example; %s\r\n"
        "Authentication-Results: relay.syndicat.example; dkim=pass header.d=viamedis.fr;\r\n"
        "\tdmarc=pass header.from=viamedis.fr\r\n" % (DATE, DATE)).encode() + brand("a21", via))


if __name__ == "__main__":
    main()
