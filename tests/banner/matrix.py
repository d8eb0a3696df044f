#!/usr/bin/python3
"""matrix.py - the golden matrix of the warning banner: every message shape
of shapes.py through bannerize (the analysis, the action and the rewriter,
as the milter runs them). For each shape: the outcome is the one expected
(the parts that get the banner, or why the body stays); the result parsed
back by Python's email package has the same tree of parts, every other part
and header as it was, the original text intact under exactly one banner,
lines under 998 octets; cutting the body into chunks of 1, 7 or 4096 bytes
changes nothing; a second pass replaces the banner (never two); a body that
stays is byte for byte the input.
Then Banner none leaves every body as it was, English works, and the
outcomes with the new charset and transfer encoding of each changed part
are compared with matrix.out. Prints TAP.

After a deliberate change, regenerate matrix.out with
    tests/banner/matrix.py --write
and review the diff.
"""
import email
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_banner  # noqa: E402
import shapes  # noqa: E402

BUILD = os.environ.get("top_builddir", os.getcwd())
SRC = os.environ.get("top_srcdir", os.getcwd())
BANNERIZE = os.path.join(BUILD, "tests", "banner", "bannerize")
GOLDEN = os.path.join(SRC, "tests", "banner", "matrix.out")

n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, what))
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print("# " + line)


def run(path, chunk=65536, config=None):
    args = [BANNERIZE, "--chunk", str(chunk)]
    if config:
        args += ["--config", config]
    r = subprocess.run(args + [path], capture_output=True, timeout=60)
    said = r.stderr.decode("utf-8", "replace").strip()
    return r.returncode, r.stdout, said


def outcome(said):
    """("changed", kinds) or ("skip", [status word]) from bannerize's line"""
    text = said.split("banner: ", 1)[-1]
    if text.startswith("warning added"):
        kinds = text[text.index("(") + 1:text.index(")")].split(", ")
        return "changed", [k.split("/")[1] for k in kinds]
    if text.startswith("body unchanged: "):
        return "skip", [text.split()[2]]
    return "none", [text]


def parts_line(after):
    """the charset and transfer encoding of each part that got a banner"""
    msg = email.message_from_bytes(after)
    out = []
    for p in check_banner.readable(msg):
        out.append("%s %s %s" % (p.get_content_type(), p.get_content_charset() or "-",
                                 (p.get("Content-Transfer-Encoding") or "-").lower()))
    return "; ".join(out)


def main():
    write = "--write" in sys.argv
    tmp = tempfile.mkdtemp(prefix="vigie-matrix.")
    golden = []
    cases = shapes.shapes()
    print("1..%d" % (len(cases) * 5 + 4))
    for name, raw, expected in cases:
        path = os.path.join(tmp, name + ".eml")
        with open(path, "wb") as f:
            f.write(raw)
        rc, after, said = run(path)
        want_state, want_kinds = shapes.expected_kinds(expected)
        got = outcome(said)
        ok(rc == 0 and got == (want_state, want_kinds), "%s: %s" % (name, expected),
           "bannerize said: %s (exit %d)" % (said, rc))
        if want_state == "changed":
            probs, kinds = check_banner.compare(raw, after)
            ok(not probs and kinds == want_kinds, "%s: Python's email reads the same message"
               " under one banner" % name, "\n".join(probs) + "\nkinds %s" % kinds)
            golden.append("%s: %s: %s" % (name, said, parts_line(after)))
        else:
            ok(after == raw, "%s: the body stays byte for byte" % name)
            golden.append("%s: %s" % (name, said))
        same = True
        for chunk in (1, 7, 4096):
            if run(path, chunk)[1] != after:
                same = False
                break
        ok(same, "%s: the same result whatever the chunk size" % name)
        again = os.path.join(tmp, name + ".again.eml")
        with open(again, "wb") as f:
            f.write(after)
        rc2, after2, said2 = run(again)
        if want_state == "changed":
            # the second vigie reads the first one's banner like any text (its
            # words may add a finding), then replaces it: never two banners
            probs, _ = check_banner.compare(raw, after2)
            ok(not probs and "earlier banner" in said2,
               "%s: a second pass replaces the banner: one, over the original" % name,
               "\n".join(probs) + "\n" + said2)
            _, after3, _ = run(os.path.join(tmp, name + ".again.eml"))
            ok(after3 == after2, "%s: the same pass twice gives the same bytes" % name)
        else:
            ok(after2 == raw, "%s: after two passes, still byte for byte" % name)
            ok(True, "%s: nothing to replace" % name)
    conf = os.path.join(tmp, "none.conf")
    with open(conf, "w") as f:
        f.write("Banner none\n")
    same = True
    for name, raw, expected in cases:
        rc, after, said = run(os.path.join(tmp, name + ".eml"), config=conf)
        same &= after == raw and "none (Banner none)" in said
    ok(same, "Banner none: every message byte for byte as it came")
    conf = os.path.join(tmp, "en.conf")
    with open(conf, "w") as f:
        f.write("BannerLanguage en\n")
    rc, after, said = run(os.path.join(tmp, "alternative.eml"), config=conf)
    msg = email.message_from_bytes(after)
    texts = [check_banner.text_of(p) for p in check_banner.readable(msg)]
    flat = [" ".join(t.split()) for t in texts]
    ok(len(flat) == 2 and "WARNING (likely impersonation)" in flat[0] and
       "imitates viamedis.fr" in flat[0] and "WARNING (likely impersonation)" in flat[1],
       "BannerLanguage en: both parts warn in English", texts[0][:400] if texts else said)
    fr = check_banner.text_of(check_banner.readable(
        email.message_from_bytes(run(os.path.join(tmp, "plain-utf8-8bit.eml"))[1]))[0])
    ok("le \u00ab\u00a0\u00e9\u00a0\u00bb remplace un \u00ab\u00a0e\u00a0\u00bb" in fr.replace("\r\n", " ").replace("\n", " "),
       "French by default: the letter substituted is named", fr[:600])
    if write:
        with open(GOLDEN, "w") as f:
            f.write("\n".join(golden) + "\n")
    with open(GOLDEN) as f:
        want = f.read().splitlines()
    diff = [("- " + a, "+ " + b) for a, b in zip(want, golden) if a != b]
    ok(want == golden, "the outcomes are those of matrix.out",
       "\n".join(x for pair in diff for x in pair) or "%d lines vs %d" % (len(want), len(golden)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
