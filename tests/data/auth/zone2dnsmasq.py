#!/usr/bin/python3
"""zone2dnsmasq - a TestDNS zone (vigie-check(1), TEST DNS) as dnsmasq
configuration lines, so that a real name server started by a test answers
what --test-dns answers offline:

    /usr/bin/python3 zone2dnsmasq.py ZONE FAILPORT SILENTPORT > dnsmasq.conf

TXT -> txt-record (each string as written), A/AAAA -> host-record, MX ->
mx-host, PTR -> ptr-record; a SERVFAIL record -> server=/name/ pointing at
127.0.0.1#FAILPORT (nobody there: dnsmasq answers with a failure), a TIMEOUT
record -> server=/name/ at 127.0.0.1#SILENTPORT (a server that never
answers). Names are served from local data only (local=/TLD/): a name
absent answers NXDOMAIN.
"""
import re
import sys

STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unescape(s):
    """\\" \\\\ and \\DDD as dnsmasq wants them (it reads \\ddd escapes too)"""
    return re.sub(r'\\([^0-9])', r'\1', s)


def main():
    zone, failport, silentport = sys.argv[1], sys.argv[2], sys.argv[3]
    tlds, out = set(), []
    for line in open(zone, encoding="utf-8"):
        line = re.sub(r'(^|\s)#.*$', '', line.rstrip("\r\n")) if '"' not in line else line.rstrip("\r\n")
        words = line.split()
        if not words:
            continue
        name = words[0].rstrip(".").lower()
        rest = words[1:]
        if rest and rest[0].isdigit():
            rest = rest[1:]
        if rest and rest[0].upper() == "IN":
            rest = rest[1:]
        kind, value = rest[0].upper(), rest[1:]
        tlds.add(name.rsplit(".", 1)[-1])
        if value and value[0].upper() in ("SERVFAIL", "TIMEOUT"):
            port = failport if value[0].upper() == "SERVFAIL" else silentport
            out.append("server=/%s/127.0.0.1#%s" % (name, port))
        elif kind == "TXT":
            strings = STRING.findall(line.split(None, 1)[1])
            out.append("txt-record=%s,%s" % (name, ",".join('"%s"' % unescape(s) for s in strings)))
        elif kind in ("A", "AAAA"):
            out.append("host-record=%s,%s" % (name, value[0]))
        elif kind == "MX":
            out.append("mx-host=%s,%s,%s" % (name, value[1].rstrip("."), value[0]))
        elif kind == "PTR":
            out.append("ptr-record=%s,%s" % (name, value[0].rstrip(".")))
    for tld in sorted(tlds):
        out.append("local=/%s/" % tld)
    print("\n".join(out))


if __name__ == "__main__":
    main()
