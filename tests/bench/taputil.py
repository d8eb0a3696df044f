"""taputil - what the bench tests share: TAP output and miltergen's summary line."""

import os
import sys

BUILD = os.environ.get("top_builddir",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SRC = os.environ.get("top_srcdir",
                     os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MILTERGEN = os.path.join(BUILD, "contrib", "miltergen", "miltergen")
GENCORPUS = os.path.join(SRC, "tests", "bench", "gencorpus.py")
PYTHON3 = os.environ.get("PYTHON3") or "/usr/bin/python3"


class Tap:
    """Numbered TAP lines; the plan comes last."""

    def __init__(self):
        self.n = 0

    def ok(self, cond, what, diag=""):
        self.n += 1
        print(("ok" if cond else "not ok") + f" {self.n} - {what}")
        if not cond and diag:
            for line in str(diag).splitlines()[-15:]:
                print("# " + line)
        sys.stdout.flush()
        return cond

    def done(self):
        print(f"1..{self.n}")


def summary(out):
    """miltergen's key=value summary line as a dict."""
    for line in out.splitlines():
        if line.startswith("summary "):
            return dict(kv.split("=", 1) for kv in line.split()[1:])
    return {}
