#!/usr/bin/python3
"""check_mime - are generated messages valid RFC 5322/MIME? Parses one
message in N of each set directory (every message with --every 1) with
Python's email package (policy.default) and checks the line rules of RFC
5322 (CRLF, at most 998 octets, no 8-bit octets in the header); see
evallib.validate. Prints each problem; exit status 1 when there is one.

    /usr/bin/python3 tests/eval/check_mime.py SETDIR... [--every N]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evallib as E  # noqa: E402

# RFC 6854 groups in From hold no mailbox for "exactly one From address"
GROUP_FROM = ("group",)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--every", type=int, default=5)
    a = ap.parse_args()
    bad = checked = 0
    for d in a.sets:
        for i, row in enumerate(E.read_labels(d)):
            if i % a.every:
                continue
            with open(os.path.join(d, row["file"]), "rb") as f:
                raw = f.read()
            probs = E.validate(raw, one_from=row["category"] not in GROUP_FROM)
            checked += 1
            if probs:
                bad += 1
                print("%s/%s: %s" % (os.path.basename(d), row["file"], "; ".join(sorted(set(probs)))))
    print("%d messages checked, %d with a problem" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
