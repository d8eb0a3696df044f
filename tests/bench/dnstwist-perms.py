#!/usr/bin/python3
"""dnstwist-perms - dnstwist's permutations of each domain read on stdin.

Prints one line per permutation: fuzzer, original domain, permutation
(A-labels), tab-separated. Uses Debian's dnstwist with its French dictionary
and its list of common TLDs, as the accuracy benchmark requires; works
offline (no lookups).
"""
import sys

import dnstwist

DICT = "/usr/share/dnstwist/dictionaries/"


def words(path):
    """The entries of a dnstwist dictionary file (// comments skipped)."""
    with open(path, encoding="utf-8") as f:
        return [w.strip() for w in f if w.strip() and not w.startswith("//")]


def main():
    french = words(DICT + "french.dict")
    tlds = words(DICT + "common_tlds.dict")
    for line in sys.stdin:
        domain = line.strip()
        if not domain:
            continue
        fuzzer = dnstwist.Fuzzer(domain, dictionary=french, tld_dictionary=tlds)
        fuzzer.generate()
        for perm in sorted(fuzzer.domains, key=lambda p: (p["fuzzer"], p["domain"])):
            if perm["fuzzer"] != "*original" and perm["domain"]:
                print("%s\t%s\t%s" % (perm["fuzzer"], domain, perm["domain"]))


if __name__ == "__main__":
    main()
