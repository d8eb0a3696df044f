#!/usr/bin/python3
"""guides.py - the admin guides (docs/guide-fr.md, docs/guide-en.md) stay in
step with the code and with each other:

- both have the same sections and the same code blocks, kind by kind;
- every vigie.conf line they show names an option the parser knows;
- every log line they quote is one the code writes: it matches a format
  string of milter/ (Postfix's own lines, "postfix/...", are left aside);
- their Sieve script is contrib/vigie.sieve's;
- every metric they name is one stats.c renders;
- every vigie-check option they use is in vigie-check --help, every
  vigie-brands-update option in its usage, every Postfix parameter known to
  postconf (when Postfix is installed).
Prints TAP.
"""

import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
from tap import ok  # noqa: E402

SRC = os.environ.get("top_srcdir", os.getcwd())
BUILD = os.environ.get("top_builddir", os.getcwd())
GUIDES = [os.path.join(SRC, "docs", g) for g in ("guide-fr.md", "guide-en.md")]


def blocks(path):
    """[(kind, [lines])] of the fenced code blocks of a Markdown file."""
    out, kind, lines = [], None, []
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("```"):
                if kind is None:
                    kind, lines = line[3:].strip() or "text", []
                else:
                    out.append((kind, lines))
                    kind = None
            elif kind is not None:
                lines.append(line)
    return out


def c_strings(path):
    """Every string literal of a C file, adjacent literals joined."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    toks = re.findall(r'"((?:[^"\\\n]|\\.)*)"|(\S)', text)
    out, cur = [], None
    for lit, other in toks:
        if other:
            if cur is not None:
                out.append(cur)
                cur = None
        else:
            cur = (cur or "") + lit
    if cur is not None:
        out.append(cur)
    return [bytes(s, "utf-8").decode("unicode_escape", errors="replace") for s in out]


CONV = re.compile(r"%(?:%|[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|j|t)?[diouxXcsfgeEp])")


def to_regex(fmt, lazy=False):
    """A printf format as a regex: %s and friends capture, the rest literal."""
    parts, pos = [], 0
    for m in CONV.finditer(fmt):
        parts.append(re.escape(fmt[pos:m.start()]))
        conv = m.group(0)
        if conv == "%%":
            parts.append("%")
        elif conv[-1] in "diouxX":
            parts.append(r"(-?[0-9a-fA-F]+)")
        elif conv[-1] in "fge":
            parts.append(r"([0-9.]+)")
        else:
            parts.append(r"(.*?)" if lazy else r"(.*)")
        pos = m.end()
    parts.append(re.escape(fmt[pos:]))
    literal = len(CONV.sub("", fmt))
    return re.compile("".join(parts) + r"\Z"), literal


def formats():
    files = [f for d in ("front", "daemon", "check")
             for f in glob.glob(os.path.join(SRC, "milter", d, "*.c"))] + [
        os.path.join(SRC, "milter", "core", "domain", "packfile.c")]
    assert len(files) > 20, "the front ends' sources are not where guides.py looks"
    # errors are written "file:line: " then the message (conf.c, brands.c)
    seen = {"%s:%u: %s"}
    out = [to_regex("%s:%u: %s")]
    for path in files:
        for s in c_strings(path):
            s = s.rstrip("\n")
            if "%" in s or (len(s) >= 12 and re.search(r"[a-z]{3}", s)):
                if s not in seen:
                    seen.add(s)
                    # both ways of splitting text among the %s
                    out.append(to_regex(s))
                    out.append(to_regex(s, lazy=True))
    return out


def explained(line, fmts, depth=0):
    """Whether a line is a format of the code, with enough fixed text of its
    own, or a short format whose variable parts are such lines in turn."""
    for rx, literal in fmts:
        m = rx.match(line)
        if not m:
            continue
        if literal >= 12 and literal * 3 >= len(line) // 4:
            return True
        if depth < 2 and any(g and explained(g, fmts, depth + 1) for g in m.groups()):
            return True
    return False


def strip_prefix(line):
    """A log line without syslog's or stderr's prefix and the priority word."""
    line = re.sub(r"^(?:\w{3} +\d+ [\d:]+ \S+ )?(?:[\d-]+ [\d:]+ )?vigie\[\d+\]: ", "", line)
    return re.sub(r"^(?:error|warning): ", "", line)


def conf_options():
    with open(os.path.join(SRC, "milter", "front", "conf.c"), encoding="utf-8") as f:
        return set(re.findall(r'^\t\{ "([A-Za-z]+)", conf_[a-z]+ \},$', f.read(), re.M))


def main():
    parsed = {g: blocks(g) for g in GUIDES}
    fr, en = GUIDES

    def sections(path):
        with open(path, encoding="utf-8") as f:
            return [l for l in f.read().splitlines() if re.match(r"^#{2,3} ", l)]
    ok(len(sections(fr)) == len(sections(en)),
       f"both guides have the same sections ({len(sections(fr))} and {len(sections(en))})",
       zip(sections(fr), sections(en)))
    kinds_fr = [k for k, _ in parsed[fr]]
    kinds_en = [k for k, _ in parsed[en]]
    ok(kinds_fr == kinds_en, f"both guides show the same code blocks ({len(kinds_fr)})",
       [f"{a} / {b}" for a, b in zip(kinds_fr, kinds_en) if a != b])

    options = conf_options()
    fmts = formats()
    with open(os.path.join(SRC, "contrib", "vigie.sieve"), encoding="utf-8") as f:
        sieve = [l for l in f.read().splitlines() if l.strip() and not l.startswith("#")]
    with open(os.path.join(SRC, "milter", "daemon", "stats.c"), encoding="utf-8") as f:
        stats_c = f.read()

    for g in GUIDES:
        name = os.path.basename(g)
        bad_conf, bad_log, bad_metric, logs, confs = [], [], [], 0, 0
        for kind, lines in parsed[g]:
            if kind == "conf":
                for l in lines:
                    if l.strip() and not l.lstrip().startswith("#"):
                        confs += 1
                        if l.split()[0] not in options:
                            bad_conf.append(l)
            elif kind == "log":
                for l in lines:
                    if not l.strip() or l.startswith("postfix/"):
                        continue
                    logs += 1
                    line = strip_prefix(l)
                    # a queue id or client address leads the per-message lines
                    if not explained(line, fmts):
                        bad_log.append(l)
            elif kind == "sieve":
                code = [l for l in lines if l.strip()]
                ok(code == sieve, f"{name}: its Sieve script is contrib/vigie.sieve's",
                   [f"guide: {a!r} / file: {b!r}" for a, b in zip(code, sieve) if a != b])
        with open(g, encoding="utf-8") as f:
            text = f.read()
        for metric in sorted(set(re.findall(r"\bvigie_[a-z_]+[a-z]", text))):
            base = re.sub(r"_(bucket|sum|count)$", "", metric)
            if f'"{metric}' not in stats_c and f'"{base}' not in stats_c:
                bad_metric.append(metric)
        ok(confs > 0 and not bad_conf, f"{name}: its {confs} vigie.conf lines name known options",
           bad_conf)
        ok(logs > 0 and not bad_log, f"{name}: its {logs} quoted vigie log lines are written by the code",
           bad_log)
        ok(not bad_metric, f"{name}: every metric it names is rendered by stats.c", bad_metric)

        check = os.path.join(BUILD, "milter", "vigie-check")
        helptext = subprocess.run([check, "--help"], capture_output=True, text=True).stdout
        used = sorted(set(re.findall(r"vigie-check((?: --?[a-z-]+(?: \S+)?)+)", text)))
        opts = sorted({o for u in used for o in re.findall(r"--[a-z-]+", u)})
        missing = [o for o in opts if o not in helptext]
        ok(opts and not missing, f"{name}: vigie-check options it uses exist ({' '.join(opts)})",
           missing)
        with open(os.path.join(SRC, "contrib", "vigie-brands-update"), encoding="utf-8") as f:
            upd = f.read()
        uopts = sorted(set(re.findall(r"vigie-brands-update[^\n`]*?( --?[a-z-]+)", text)))
        umissing = [o.strip() for o in uopts if f"{o.strip()})" not in upd and f"{o.strip()} |" not in upd]
        ok(not umissing, f"{name}: vigie-brands-update options it uses exist", umissing)
        postconf = shutil.which("postconf") or "/usr/sbin/postconf"
        params = sorted(set(re.findall(r"\b((?:non_)?smtpd_milters|milter_[a-z_]+)\b", text)))
        if os.access(postconf, os.X_OK):
            unknown = [p for p in params if subprocess.run(
                [postconf, "-d", p], capture_output=True, text=True).returncode != 0]
            ok(params and not unknown, f"{name}: Postfix parameters it sets exist ({len(params)})",
               unknown)
        else:
            ok(True, f"{name}: postconf is not installed # SKIP")
    return tap.plan()


if __name__ == "__main__":
    sys.exit(main())
