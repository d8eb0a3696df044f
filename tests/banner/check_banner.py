"""check_banner - does a message that went through vigie's banner still say
what it said? Compares the message before and after with Python's email
package (an independent MIME parser): the same tree of parts, the same
headers and bytes for every part but the ones that got the banner, and in
those the decoded text is the original with exactly one banner added at
its place (the top of plain text, right after <body> in HTML). Lines stay
under 998 octets; 7bit parts stay ASCII.

    compare(before_bytes, after_bytes) -> (problems, kinds)
"""
import email
import email.policy
import html.parser
import re

TEXT_BEGIN = "-- vigie " + "-" * 67
TEXT_END = "-" * 76
HTML_BEGIN = "<!-- vigie:banner -->"
HTML_END = "<!-- /vigie:banner -->"


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def readable(msg):
    """the parts a reader sees as the message text, by the rule of rewrite.h"""
    out = []

    def ok(p):
        disp = (p.get("Content-Disposition") or "").split(";")[0].strip().lower()
        ct = p.get_content_type()
        return disp != "attachment" and (ct in ("text/plain", "text/html") or
                                         p.get_content_maintype() == "multipart")

    def visit(p):
        ct = p.get_content_type()
        if ct in ("text/plain", "text/html"):
            out.append(p)
            return
        if p.get_content_maintype() != "multipart" or not p.is_multipart():
            return
        kids = p.get_payload()
        if ct == "multipart/alternative":
            for k in kids:
                if ok(k):
                    visit(k)
        elif ct == "multipart/related":
            if kids and ok(kids[0]):
                visit(kids[0])
        else:
            for k in kids:
                if ok(k):
                    visit(k)
                    break

    if ok(msg):
        visit(msg)
    return out


def text_of(p):
    """the decoded text of a part, by its charset"""
    data = p.get_payload(decode=True) or b""
    cs = p.get_content_charset() or "us-ascii"
    if cs in ("iso-8859-1", "latin1", "latin-1"):
        cs = "windows-1252"
    return data.decode(cs)


def strip_banner(text, html):
    """(text without its banner, banner, how many banners there were)"""
    if html:
        n = text.count(HTML_BEGIN)
        m = re.search(re.escape(HTML_BEGIN) + ".*?" + re.escape(HTML_END) + r"\r?\n?", text, re.S)
        if not m:
            return text, None, n
        i = m.start()
        while i > 0 and text[i - 1] in "\r\n":
            i -= 1
        return text[:i] + text[m.end():], text[i:m.end()], n
    n = text.count(TEXT_BEGIN)
    lines = text.splitlines(keepends=True)
    start = 1 if lines and lines[0].startswith("\ufeff") else 0
    if start < len(lines) and lines[start].rstrip("\r\n").lstrip("\ufeff") == TEXT_BEGIN:
        for j in range(start + 1, len(lines)):
            if lines[j].rstrip("\r\n") == TEXT_END:
                k = j + 1
                if k < len(lines) and lines[k].strip("\r\n") == "":
                    k += 1
                head = "\ufeff" if start else ""
                return head + "".join(lines[k:]), "".join(lines[start:k]), n
    return text, None, n


class _BodyFinder(html.parser.HTMLParser):
    """where the first <body> start tag ends, as a browser's parser sees it"""

    def __init__(self, text):
        super().__init__(convert_charrefs=False)
        self.text, self.end = text, None
        self.lines = [0]
        for i, c in enumerate(text):
            if c == "\n":
                self.lines.append(i + 1)
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "body" and self.end is None:
            line, col = self.getpos()
            start = self.lines[line - 1] + col
            self.end = start + len(self.get_starttag_text())


def body_end(text):
    """the offset after the first <body> tag, or None"""
    return _BodyFinder(text).end


def headers_without(p, names):
    return [(k, v) for k, v in p.items() if k.lower() not in names]


def line_problems(raw):
    probs = []
    for i, line in enumerate(raw.split(b"\r\n")):
        if len(line) >= 998:
            probs.append("line %d is %d octets" % (i + 1, len(line)))
    return probs


def compare(before, after):
    """problems found (empty: good) and the kinds of parts that got a banner"""
    probs = line_problems(after)
    a, b = parse(before), parse(after)
    pa, pb = list(a.walk()), list(b.walk())
    if [p.get_content_type() for p in pa] != [p.get_content_type() for p in pb]:
        return probs + ["the tree of parts changed"], []
    if b.defects and not a.defects:
        probs.append("new defects: %s" % b.defects)
    targets = set(id(p) for p in readable(a))
    kinds = []
    for x, y in zip(pa, pb):
        if id(x) not in targets:
            if x.is_multipart():
                if x.preamble != y.preamble or x.epilogue != y.epilogue:
                    probs.append("%s: preamble or epilogue changed" % x.get_content_type())
            elif x.get_payload() != y.get_payload():
                probs.append("%s: a part without banner changed" % x.get_content_type())
            if headers_without(x, ()) != headers_without(y, ()) and x is not a:
                probs.append("%s: headers of a part without banner changed" % x.get_content_type())
            continue
        html = x.get_content_type() == "text/html"
        kinds.append("html" if html else "plain")
        cte = (y.get("Content-Transfer-Encoding") or "7bit").lower()
        raw = y.get_payload()
        if cte == "7bit" and any(ord(c) > 127 for c in raw):
            probs.append("7bit part with 8-bit text")
        try:
            t0, t1 = text_of(x), text_of(y)
        except (LookupError, UnicodeDecodeError) as e:
            probs.append("%s: cannot decode: %s" % (x.get_content_type(), e))
            continue
        rest, banner, count = strip_banner(t1, html)
        if banner is None:
            probs.append("%s: no banner" % x.get_content_type())
        elif count != 1:
            probs.append("%s: %d banners" % (x.get_content_type(), count))
        old_rest, old_banner, _ = strip_banner(t0, html)
        if rest != old_rest:
            probs.append("%s: the original text changed" % x.get_content_type())
        if x is not a:
            names = ("content-type", "content-transfer-encoding")
            if headers_without(x, names) != headers_without(y, names):
                probs.append("%s: other headers changed" % x.get_content_type())
        if html and banner is not None:
            where = t1.find(banner)
            end = body_end(t0)
            if end is not None and where != end:
                probs.append("html: the banner is not right after <body>")
    return probs, kinds
