#!/usr/bin/python3
"""mksigned - make keys and messages signed by implementations other than
vigie's: dkimpy (python3-dkim) and the opendkim milter in signing mode
(opendkim -t). Run at test time, offline, into the directory given:

    mksigned.py DIR

writes DIR/keys (OpenDKIM TestPublicKeys format), DIR/zone (name TAB string
TAB string... for a DNS server) and DIR/<case>.eml, one message per case.
The verdict expected for each case lives in the test script, not here.
"""
import base64
import os
import re
import subprocess
import sys
import time

import dkim
import nacl.signing

DOMAIN = b"viamedis.test"

HEADER = (
    b"From: Viamedis Tiers Payant <noreply@viamedis.test>\r\n"
    b"To: opticien@example.test\r\n"
    b"Subject: =?utf-8?q?Votre_relev=C3=A9_de_paiement?=\r\n"
    b"Date: Mon, 04 Mar 2024 09:12:00 +0100\r\n"
    b"Message-ID: <20240304091200.42@viamedis.test>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
)
BODY = (
    b"Bonjour,\r\n"
    b"\r\n"
    b"Veuillez trouver  ci-joint votre releve.   \r\n"
    b"\tLigne avec tabulation.\r\n"
    b"\r\n"
    b"Cordialement\r\n"
    b"\r\n"
    b"\r\n"
)
MESSAGE = HEADER + b"\r\n" + BODY
SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id"]


def openssl(*args):
    return subprocess.run(("openssl",) + args, check=True, capture_output=True).stdout


def rsa_key(out, name, bits):
    """An RSA key: PEM file for the signers, base64 DER public key."""
    pem = os.path.join(out, name + ".pem")
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt",
            "rsa_keygen_bits:%d" % bits, "-out", pem)
    der = openssl("pkey", "-in", pem, "-pubout", "-outform", "DER")
    with open(pem, "rb") as f:
        return pem, f.read(), base64.b64encode(der).decode()


def ed_key(out, name):
    """An Ed25519 key: PEM for opendkim, seed for dkimpy, raw public key."""
    pem = os.path.join(out, name + ".pem")
    openssl("genpkey", "-algorithm", "ed25519", "-out", pem)
    der = openssl("pkey", "-in", pem, "-outform", "DER")
    seed = der[-32:]
    sk = nacl.signing.SigningKey(seed)
    return pem, base64.b64encode(seed), base64.b64encode(sk.verify_key.encode()).decode()


def dkimpy(msg, selector, key, alg=b"rsa-sha256", canon=(b"relaxed", b"relaxed"),
           headers=None, length=False, domain=DOMAIN, linesep=b"\r\n"):
    """msg with a DKIM-Signature from dkimpy on top."""
    sig = dkim.sign(msg, selector, domain, key, canonicalize=canon,
                    signature_algorithm=alg, include_headers=headers or SIGNED_HEADERS,
                    length=length, linesep=linesep)
    return sig + msg


def dkimpy_expiring(msg, selector, key, expires):
    """A dkimpy signature carrying x= (dkimpy's sign() has no option for it)."""
    d = dkim.DKIM(msg, signature_algorithm=b"rsa-sha256")
    policy = dkim.CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
    h = dkim.HASH_ALGORITHMS[b"rsa-sha256"]()
    h.update(policy.canonicalize_body(d.body))
    now = int(time.time())
    fields = [
        (b"v", b"1"), (b"a", b"rsa-sha256"), (b"c", b"relaxed/relaxed"),
        (b"d", DOMAIN), (b"q", b"dns/txt"), (b"s", selector),
        (b"t", str(now - 7200).encode()), (b"x", str(expires).encode()),
        (b"h", b" : ".join(SIGNED_HEADERS)),
        (b"bh", base64.b64encode(h.digest())), (b"b", b"0" * 60),
    ]
    pk = dkim.parse_pem_private_key(key)
    d.hasher = dkim.HASH_ALGORITHMS[b"rsa-sha256"]
    return b"DKIM-Signature: " + d.gen_header(fields, SIGNED_HEADERS, policy,
                                              b"DKIM-Signature", pk) + msg


def opendkim(out, msg, selector, pem, alg="rsa-sha256", canon="relaxed/relaxed",
             oversign=None, domain="viamedis.test"):
    """msg signed by the opendkim milter run in its test mode (-t)."""
    conf = os.path.join(out, "opendkim.conf")
    path = os.path.join(out, "opendkim-in.txt")
    with open(path, "wb") as f:
        f.write(msg.replace(b"\r\n", b"\n"))
    with open(conf, "w") as f:
        f.write("Mode s\nDomain %s\nSelector %s\nKeyFile %s\nCanonicalization %s\n"
                "SignatureAlgorithm %s\nSyslog no\nRequireSafeKeys no\n"
                % (domain, selector, pem, canon, alg))
        if oversign:
            f.write("OversignHeaders %s\n" % oversign)
    res = subprocess.run(["opendkim", "-x", conf, "-t", path, "-vvv"],
                         capture_output=True, check=True)
    m = re.search(rb"hname='DKIM-Signature' hvalue='(.*?)'\n", res.stdout + res.stderr, re.S)
    if m is None:
        raise SystemExit("opendkim added no DKIM-Signature:\n%s" % res.stderr.decode())
    value = m.group(1).replace(b"\n", b"\r\n")
    return b"DKIM-Signature: " + value + b"\r\n" + msg


def write(out, name, data, lf=False):
    with open(os.path.join(out, name + ".eml"), "wb") as f:
        f.write(data.replace(b"\r\n", b"\n") if lf else data)


def main():
    out = sys.argv[1]
    rsa_pem, rsa, rsa_pub = rsa_key(out, "rsa2048", 2048)
    _, other, other_pub = rsa_key(out, "other2048", 2048)
    _, small, small_pub = rsa_key(out, "rsa768", 768)
    ed_pem, ed, ed_pub = ed_key(out, "ed")

    keys = [
        ("rsa2048", "v=DKIM1; k=rsa; p=" + rsa_pub),
        ("other", "v=DKIM1; k=rsa; p=" + other_pub),
        ("small", "v=DKIM1; k=rsa; p=" + small_pub),
        ("ed", "v=DKIM1; k=ed25519; p=" + ed_pub),
        ("revoked", "v=DKIM1; k=rsa; p="),
        ("testing", "v=DKIM1; k=rsa; t=y; p=" + rsa_pub),
        ("strict", "v=DKIM1; k=rsa; t=s; p=" + rsa_pub),
        ("wrongkey", "v=DKIM1; k=rsa; p=" + other_pub),
    ]
    with open(os.path.join(out, "keys"), "w") as f:
        for sel, rec in keys:
            f.write("%s._domainkey.viamedis.test %s\n" % (sel, rec))
        f.write("sub._domainkey.mail.viamedis.test v=DKIM1; k=rsa; p=%s\n" % rsa_pub)
    # the same keys for a DNS server, the long ones split in 200-byte strings
    with open(os.path.join(out, "zone"), "w") as f:
        for sel, rec in keys:
            parts = [rec[i:i + 200] for i in range(0, len(rec), 200)] or [""]
            f.write("%s._domainkey.viamedis.test\t%s\n" % (sel, "\t".join(parts)))

    # dkimpy: both algorithms, both canonicalisations, CRLF and bare LF files
    for alg, sel, key in ((b"rsa-sha256", b"rsa2048", rsa), (b"ed25519-sha256", b"ed", ed)):
        name = "ed" if sel == b"ed" else "rsa"
        for canon in (b"simple", b"relaxed"):
            signed = dkimpy(MESSAGE, sel, key, alg, (canon, canon))
            write(out, "dkimpy-%s-%s" % (name, canon.decode()), signed)
            write(out, "dkimpy-%s-%s-lf" % (name, canon.decode()), signed, lf=True)

    # l=: text appended after signing is outside the signature; a cut body is not
    signed = dkimpy(MESSAGE, b"rsa2048", rsa, length=True)
    write(out, "length-appended", signed + b"Texte ajoute apres la signature.\r\n")
    write(out, "length-cut", signed[:-len(b"Cordialement\r\n\r\n\r\n")])

    # over-signed From: a From added afterwards must break the signature
    over = dkimpy(MESSAGE, b"rsa2048", rsa, headers=[b"from", b"from"] + SIGNED_HEADERS[1:])
    write(out, "oversigned", over)
    write(out, "oversigned-second-from", over.replace(
        b"\r\nTo:", b"\r\nFrom: Viamedis <securite@viamedis-secure.test>\r\nTo:", 1))

    signed = dkimpy(MESSAGE, b"rsa2048", rsa)
    write(out, "tampered-body", signed.replace(b"votre releve", b"votre RIB"))
    write(out, "tampered-header", signed.replace(b"Date: Mon, 04", b"Date: Tue, 05"))
    write(out, "unknown-algorithm", signed.replace(b"a=rsa-sha256", b"a=rsa-sha512", 1))
    write(out, "expired", dkimpy_expiring(MESSAGE, b"rsa2048", rsa, int(time.time()) - 3600))
    write(out, "not-expired", dkimpy_expiring(MESSAGE, b"rsa2048", rsa, int(time.time()) + 86400))
    write(out, "sha1", dkimpy(MESSAGE, b"rsa2048", rsa, alg=b"rsa-sha1"))
    write(out, "key-too-small", dkimpy(MESSAGE, b"small", small))
    write(out, "key-revoked", dkimpy(MESSAGE, b"revoked", rsa))
    write(out, "key-missing", dkimpy(MESSAGE, b"absent", rsa))
    write(out, "key-wrong", dkimpy(MESSAGE, b"wrongkey", rsa))
    write(out, "key-testing", dkimpy(MESSAGE, b"testing", rsa))
    write(out, "identity-outside", signed.replace(b"i=@viamedis.test", b"i=@evil.test", 1))

    # two signatures: one does not cover Subject, the other does; Subject changes
    loose = dkimpy(MESSAGE, b"ed", ed, alg=b"ed25519-sha256", headers=[b"from", b"date"])
    both = dkimpy(loose, b"rsa2048", rsa)
    write(out, "two-one-fails", both.replace(b"q?Votre_", b"q?Urgent_Votre_"))

    # a subdomain signs for the From domain: relaxed alignment only
    write(out, "subdomain", dkimpy(MESSAGE, b"sub", rsa, domain=b"mail.viamedis.test"))

    # fifty signatures: ten verified, forty counted
    many = MESSAGE
    for _ in range(50):
        many = dkimpy(many, b"ed", ed, alg=b"ed25519-sha256", headers=[b"from", b"subject"])
    write(out, "fifty-signatures", many)

    # ten signatures, ten selectors: ten different key lookups
    many = MESSAGE
    for i in range(10):
        many = dkimpy(many, b"s%d" % i, ed, alg=b"ed25519-sha256", headers=[b"from"])
    write(out, "ten-selectors", many)

    # the opendkim milter in signing mode
    write(out, "opendkim-rsa-relaxed", opendkim(out, MESSAGE, "rsa2048", rsa_pem))
    write(out, "opendkim-rsa-simple", opendkim(out, MESSAGE, "rsa2048", rsa_pem,
                                               canon="simple/simple"), lf=True)
    write(out, "opendkim-ed-relaxed", opendkim(out, MESSAGE, "ed", ed_pem,
                                               alg="ed25519-sha256"))
    over = opendkim(out, MESSAGE, "rsa2048", rsa_pem, oversign="From")
    write(out, "opendkim-oversigned", over)
    write(out, "opendkim-oversigned-second-from", over.replace(
        b"\r\nTo:", b"\r\nFrom: Viamedis <securite@viamedis-secure.test>\r\nTo:", 1))


if __name__ == "__main__":
    main()
