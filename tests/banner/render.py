#!/usr/bin/python3
"""render.py - what a person sees: the HTML part of messages that went
through the warning banner (bannerize), opened in headless Chromium (Debian
chromium), one page each. A probe script added to the copy that is opened
(never to the message) reports, from the rendered page, where the banner is
and what of it shows: it must sit at the top of the page, wide and tall
enough to read, every line of it displayed, not hidden, in a readable size
and with a contrast of at least 4.5:1 (WCAG AA), and its text must say what
the warning says. One page is a hostile sender's, whose style sheet tries
to hide or shrink every element it can: the banner's inline !important
styles must win. Prints TAP; skipped without chromium.

    tests/banner/render.py [--screenshots DIR]

With --screenshots, also writes light.png, dark.png (prefers-color-scheme:
dark) and forced-dark.png (the page darkened by the browser, as some mail
clients do) of the first page, for people to look at (docs/banner.png is
one of them).
"""
import email
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import shapes  # noqa: E402

BUILD = os.environ.get("top_builddir", os.getcwd())
BANNERIZE = os.path.join(BUILD, "tests", "banner", "bannerize")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--hide-scrollbars"]

# the sender's style sheet of the hostile page: everything it can to hide text
HOSTILE = ("<style>[role=alert], div, table, tr, td, p, ul, li, span, strong, b {"
           " display:none !important; visibility:hidden !important; opacity:0 !important;"
           " color:#fff4e5 !important; background-color:#fff4e5 !important;"
           " font-size:1px !important; line-height:0 !important; height:0 !important;"
           " width:0 !important; max-height:0 !important; overflow:hidden !important;"
           " text-indent:-9999px !important; margin-left:-9999px !important;"
           " transform:scale(0) !important; -webkit-text-fill-color:transparent !important;"
           " content-visibility:hidden !important; letter-spacing:-1em !important; }"
           " body > *:first-child { display:none !important }</style>")

PROBE = r"""<script>
(function () {
  function lum(c) {
    var m = c.match(/[\d.]+/g).map(Number);
    var v = m.slice(0, 3).map(function (x) {
      x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function bg(e) {
    for (; e; e = e.parentElement) {
      var c = getComputedStyle(e).backgroundColor;
      if (!/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  }
  var out = { found: false, lines: [] };
  var b = document.querySelector('[role=alert]');
  if (b) {
    var r = b.getBoundingClientRect();
    out = { found: true, top: r.top, left: r.left, width: r.width, height: r.height,
            text: b.innerText, lines: [] };
    b.querySelectorAll('p, li, span, strong').forEach(function (e) {
      var s = getComputedStyle(e), q = e.getBoundingClientRect();
      var fg = s.color, l1 = lum(fg), l2 = lum(bg(e));
      out.lines.push({ text: e.innerText.slice(0, 60), display: s.display,
        visibility: s.visibility, opacity: s.opacity, size: parseFloat(s.fontSize),
        fill: s.webkitTextFillColor, width: q.width, height: q.height, left: q.left,
        contrast: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) });
    });
  }
  var pre = document.createElement('pre');
  pre.id = 'vigie-probe';
  pre.textContent = JSON.stringify(out);
  document.documentElement.appendChild(pre);
})();
</script>"""

n = 0
failed = 0


def ok(cond, what, diag=()):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, what))
    if not cond:
        failed += 1
        for line in list(diag)[:20]:
            print("# " + str(line))
    return cond


def html_of(raw):
    for p in email.message_from_bytes(raw).walk():
        if p.get_content_type() == "text/html":
            data = p.get_payload(decode=True)
            return data.decode(p.get_content_charset() or "utf-8", "replace")
    return None


def chromium(profile, args):
    return subprocess.run([CHROMIUM] + FLAGS + ["--user-data-dir=" + profile] + args,
                          capture_output=True, text=True, timeout=120)


def probe(tmp, name, html):
    page = os.path.join(tmp, name + ".html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(html + PROBE)
    profile = tempfile.mkdtemp(prefix="profile.", dir=tmp)
    r = chromium(profile, ["--window-size=820,900", "--virtual-time-budget=2000",
                           "--dump-dom", "file://" + page])
    m = re.search(r'<pre id="vigie-probe">(.*?)</pre>', r.stdout, re.S)
    if not m:
        return None, r.stderr.splitlines()[-5:]
    return json.loads(htmllib.unescape(m.group(1))), []


def check(name, res, err):
    if not ok(res is not None and res["found"], "%s: the banner is in the rendered page" % name, err):
        return
    ok(res["top"] < 40 and res["height"] > 150 and res["width"] > 500,
       "%s: at the top of the page, %dx%d px" % (name, res["width"], res["height"]), [res])
    flat = " ".join(res["text"].split())
    want = ["ATTENTION (usurpation probable) : v\u00e9rifiez ce message avant d'agir.",
            "Ne cliquez sur aucun lien", "viam\u00e9dis.fr (xn--viamdis-eya.fr)",
            "remplace un \u00ab e \u00bb", "au lieu de l'adresse officielle viamedis.fr"]
    missing = [w for w in want if w not in flat]
    ok(not missing, "%s: the page shows the warning's words" % name, missing + [flat[:300]])
    bad = [l for l in res["lines"] if l["display"] == "none" or l["visibility"] != "visible"
           or float(l["opacity"]) < 1 or l["size"] < 12 or l["contrast"] < 4.5
           or l["width"] < 20 or l["height"] < 10 or l["left"] < 0
           or "0, 0, 0, 0" in (l["fill"] or "")]
    ok(len(res["lines"]) >= 10 and not bad,
       "%s: its %d lines and words displayed, readable (>= 12 px, contrast >= 4.5)" %
       (name, len(res["lines"])), bad)


def main():
    if CHROMIUM is None:
        print("1..0 # SKIP chromium is not installed (Debian package chromium)")
        return 0
    if not os.access(BANNERIZE, os.X_OK):
        print("1..0 # SKIP %s is not built" % BANNERIZE)
        return 0
    shots = sys.argv[sys.argv.index("--screenshots") + 1] if "--screenshots" in sys.argv else None
    tmp = tempfile.mkdtemp(prefix="vigie-render.")
    try:
        pages = []
        cases = {n: raw for n, raw, _ in shapes.shapes()}
        hostile = cases["alternative"].replace(b"</head>", HOSTILE.encode() + b"</head>", 1)
        for name, raw in (("alternative", cases["alternative"]),
                          ("related-inline-images", cases["related-inline-images"]),
                          ("html-no-body-tag", cases["html-no-body-tag"]),
                          ("hostile-style-sheet", hostile)):
            path = os.path.join(tmp, name + ".eml")
            with open(path, "wb") as f:
                f.write(raw)
            r = subprocess.run([BANNERIZE, path], capture_output=True, timeout=60)
            html = html_of(r.stdout)
            if not ok(html is not None and "vigie:banner" in html,
                      "%s: bannerize wrote the banner into the HTML part" % name,
                      r.stderr.decode("utf-8", "replace").splitlines()):
                continue
            pages.append((name, html))
            res, err = probe(tmp, name, html)
            check(name, res, err)
        if shots and pages:
            os.makedirs(shots, exist_ok=True)
            page = os.path.join(tmp, "shot.html")
            with open(page, "w", encoding="utf-8") as f:
                f.write(pages[0][1])
            for label, extra in (("light", []), ("dark", ["--force-dark-mode"]),
                                 ("forced-dark", ["--force-dark-mode",
                                                  "--enable-features=WebContentsForceDark"])):
                profile = tempfile.mkdtemp(prefix="profile.", dir=tmp)
                chromium(profile, extra + ["--window-size=760,520",
                                           "--screenshot=" + os.path.join(shots, label + ".png"),
                                           "file://" + page])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
