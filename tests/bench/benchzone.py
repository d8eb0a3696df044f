#!/usr/bin/python3
"""benchzone - the DNS of a gencorpus.py corpus as a TestDNS zone
(vigie-check(1), TEST DNS), so that the benchmarks can run SPF and DMARC on
it, offline (TestDNS) or from a name server (tests/data/auth/zone2dnsmasq.py):

    benchzone.py CORPUSDIR [CLIENT] > zone

Every envelope sender (Return-Path, else From) and From domain of the
corpus gets records as mail domains have them, chosen by a hash of the
name (the same corpus, the same zone): a third of them an SPF record of
one ip4 (one lookup), a third an include of an e-mail service provider
(two), a third "mx a include" (five: the record, the MX, its address,
the A, the include); its organisational domain a DMARC record (p=none,
quarantine or reject, rua=; one domain in five has none). The protected
brands' domains keep to the second kind and p=reject. Lookalikes
(xn--, brand-plus-word domains: the phishing kinds of the corpus) publish
an SPF record of another network, so SPF fails for them. CLIENT (default
192.0.2.10, miltergen's --client-addr) is in the network the others
allow. DKIM keys come from CORPUSDIR/test-keys, split into strings of 255
octets as DNS carries them.
"""

import email.parser
import email.policy
import email.utils
import hashlib
import ipaddress
import os
import sys

BRANDS = ("viamedis", "almerys", "santeclair", "kalixia", "itelis", "ameli",
          "carteblanche", "spsante", "seveane", "actil", "isante")
# gencorpus.py's phishing kinds: their From domains are the attacker's
PHISH = ("phish-",)


def org(domain):
    """The organisational domain, as near as this corpus needs (no PSL)."""
    labels = domain.split(".")
    return ".".join(labels[-2:])


def pick(name, n):
    """A number in [0, n) from the name, the same on every run."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") % n


def txt(value):
    """A TXT value as quoted strings of at most 255 octets."""
    return " ".join('"%s"' % value[i:i + 255].replace("\\", "\\\\").replace('"', '\\"')
                    for i in range(0, len(value), 255)) or '""'


def domains(corpus):
    """(envelope and From domains of legitimate mail, those of phishing mail
    only: a free-mail domain both use is legitimate)."""
    legit, phish = set(), set()
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    manifest = os.path.join(corpus, "manifest.tsv")
    with open(manifest, encoding="utf-8") as f:
        next(f)
        for line in f:
            cells = line.rstrip("\n").split("\t")
            path, kind = os.path.join(corpus, cells[0]), cells[1]
            with open(path, "rb") as m:
                h = parser.parse(m)
            found = set()
            for field in ("Return-Path", "From", "Sender"):
                for _, addr in email.utils.getaddresses(h.get_all(field, [])):
                    if "@" in addr:
                        found.add(addr.rsplit("@", 1)[1].strip().strip(">").lower())
            (phish if kind.startswith(PHISH) else legit).update(found)
    return legit, phish - legit


def zone(corpus, client="192.0.2.10"):
    """The zone's lines."""
    net = ipaddress.ip_network(client + ("/24" if ":" not in client else "/64"), strict=False)
    out = ["# benchzone.py: the DNS of %s" % os.path.basename(os.path.abspath(corpus)),
           "_spf.esp.example TXT %s" % txt("v=spf1 ip4:203.0.113.0/24 ip4:%s -all" % net
                                          if net.version == 4 else
                                          "v=spf1 ip4:203.0.113.0/24 ip6:%s -all" % net)]
    legit, phish = domains(corpus)
    mech = "ip4" if net.version == 4 else "ip6"
    dmarc = {}
    for d in sorted(legit):
        brand = any(b in d for b in BRANDS)
        kind = 1 if brand else pick(d, 3)
        if kind == 0:
            out.append("%s TXT %s" % (d, txt("v=spf1 %s:%s -all" % (mech, net))))
        elif kind == 1:
            out.append("%s TXT %s" % (d, txt("v=spf1 include:_spf.esp.example -all")))
        else:
            out.append("%s TXT %s" % (d, txt("v=spf1 mx a include:_spf.esp.example ~all")))
            out.append("%s MX 10 mx.%s" % (d, d))
            out.append("mx.%s A 198.51.100.25" % d)
            out.append("%s A 198.51.100.26" % d)
        o = org(d)
        if brand:
            dmarc[o] = "v=DMARC1; p=reject; rua=mailto:dmarc@%s" % o
        elif o not in dmarc and pick(o, 5) != 0:
            p = ("none", "none", "quarantine", "reject")[pick("p" + o, 4)]
            dmarc[o] = "v=DMARC1; p=%s; rua=mailto:dmarc@%s" % (p, o)
    for d in sorted(phish):
        out.append("%s TXT %s" % (d, txt("v=spf1 ip4:198.18.0.0/24 -all")))
    for o, rec in sorted(dmarc.items()):
        out.append("_dmarc.%s TXT %s" % (o, txt(rec)))
    keys = os.path.join(corpus, "test-keys")
    if os.path.exists(keys):
        with open(keys, encoding="ascii") as f:
            for line in f:
                name, _, value = line.strip().partition(" ")
                if name:
                    out.append("%s TXT %s" % (name, txt(value.strip())))
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    print("\n".join(zone(*sys.argv[1:])))


if __name__ == "__main__":
    main()
