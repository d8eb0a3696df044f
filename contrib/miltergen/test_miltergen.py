#!/usr/bin/python3
"""test_miltergen - the load generator speaks milter protocol 6 as Postfix does,
honours what the milter negotiated, and catches every kind of broken milter.

Drives contrib/miltergen/miltergen against fakemilter (a scripted peer on a unix
socket in a private temporary directory, stopped at the end). Prints TAP.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# the bench scripts' TAP helper and miltergen's summary parser
sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", os.path.join(HERE, "..", "..")), "tests", "bench"))
from fakemilter import FakeMilter, header_packet, packet, steps  # noqa: E402
from taputil import MILTERGEN, Tap, summary  # noqa: E402


def run(sock, corpus, *args, timeout=60):
    """Run miltergen; (exit status, summary, stdout, stderr, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run([MILTERGEN, *args, "unix:" + sock, *corpus],
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, summary(p.stdout), p.stdout, p.stderr, time.monotonic() - t0


def corpus_dir(tmp):
    """A small message (LF ends, folded header) and one with a 150 kB body."""
    d = os.path.join(tmp, "corpus")
    os.mkdir(d)
    with open(os.path.join(d, "a.eml"), "w") as f:
        f.write("Return-Path: <alice@example.fr>\nFrom: Alice <alice@example.fr>\n"
                "To: Bob <bob@example.org>\nSubject: un sujet\n\tplié\n"
                "X-Tab:\tvaleur\n\nBonjour,\n\nà bientôt\n")
    body = "".join(f"ligne {i:06d} " + "x" * 60 + "\n" for i in range(2000))
    with open(os.path.join(d, "b.eml"), "w") as f:
        f.write("From: bob@example.org\nTo: alice@example.fr\nSubject: gros\n\n" + body)
    return d


def with_milter(tmp, name, **kw):
    """A started fake milter on its own socket."""
    path = os.path.join(tmp, name + ".sock")
    return FakeMilter(path, **kw).start(), path


def test_exchange(t, tmp, corpus):
    m, sock = with_milter(tmp, "plain")
    st, s, out, err, _ = run(sock, [corpus], "-n", "3", "-e", "X-Fake:^ seen$")
    m.stop()
    t.ok(st == 0 and s.get("messages") == "3" and s.get("errors") == "0",
         "a well-behaved milter: exit 0, 3 messages, 0 errors", out + err)
    c = m.conns[0]
    want = ["O", "D", "C", "D", "H", "D", "M", "D", "R", "D", "T"]
    t.ok(c.cmds[:len(want)] == want, "OPTNEG, CONNECT, HELO, MAIL, RCPT, DATA in order, macros first",
         c.cmds)
    t.ok(c.optneg == (6, 0x1FF, 0x1FFFFF), "offers version 6, actions 0x1ff, steps 0x1fffff as Postfix 3.7",
         c.optneg)
    tail = c.cmds[c.cmds.index("T") + 1:]
    t.ok(tail[:10] == ["D", "L"] * 5 and tail[10:] == ["D", "N", "D", "B", "D", "E", "A", "Q"],
         "five header fields one by one, EOH, body, EOM, then ABORT and QUIT", tail)
    stages = {st_: dict(v) for st_, v in c.macros}
    t.ok({"j", "{daemon_name}", "{client_addr}", "{client_name}", "_"} <= set(stages["C"]),
         "connect macros carry j, {daemon_name}, {client_addr}, {client_name}", stages.get("C"))
    t.ok("i" not in stages["M"] and stages["M"].get("{mail_addr}") == "alice@example.fr"
         and stages["R"].get("i") and stages["R"].get("{rcpt_addr}") == "bob@example.org",
         "MAIL has {mail_addr} and no queue ID yet; RCPT has i and {rcpt_addr}", stages)
    t.ok(("Subject", "un sujet\n\tplié") in c.headers and ("X-Tab", "\tvaleur") in c.headers,
         "without HDR_LEADSPC one space is eaten, a tab kept, folding sent as newline", c.headers)
    body = b"".join(c.chunks)
    t.ok(body == "Bonjour,\r\n\r\nà bientôt\r\n".encode(), "body sent with CRLF line ends", body)


def test_negotiated_away(t, tmp, corpus):
    away = steps("NOHELO", "NODATA", "NOEOH", "NR_CONN", "NR_MAIL", "NR_RCPT", "NR_HDR",
                 "NR_BODY", "HDR_LEADSPC")
    m, sock = with_milter(tmp, "away", steps=away)
    st, s, out, err, _ = run(sock, [corpus], "-n", "2", "-t", "1")
    m.stop()
    c = m.conns[0]
    t.ok(st == 0 and s.get("errors") == "0", "replies declined with SMFIP_NR_* are not awaited", out + err)
    t.ok(not any(x.violations for x in m.conns) and "H" not in c.cmds and "T" not in c.cmds
         and "N" not in c.cmds, "HELO, DATA and EOH negotiated away are not sent", c.cmds)
    t.ok(("Subject", " un sujet\n\tplié") in c.headers,
         "with SMFIP_HDR_LEADSPC the value keeps its leading space", c.headers)


def test_body_chunks_and_skip(t, tmp, corpus):
    big = [os.path.join(corpus, "b.eml")]
    with open(big[0], "rb") as f:
        raw = f.read()
    want = raw.split(b"\n\n", 1)[1].replace(b"\n", b"\r\n")
    m, sock = with_milter(tmp, "chunks")
    st, s, out, err, _ = run(sock, big)
    m.stop()
    ch = m.conns[0].chunks
    t.ok(st == 0 and len(ch) == 3 and len(ch[0]) == 65535 and len(ch[1]) == 65535
         and b"".join(ch) == want, "a 150 kB body goes in chunks of at most 65535 bytes, intact",
         [len(x) for x in ch])
    m, sock = with_milter(tmp, "skip", steps=steps("SKIP"), on={"B": packet("s")})
    st, s, out, err, _ = run(sock, big)
    m.stop()
    c = m.conns[0]
    t.ok(st == 0 and len(c.chunks) == 1 and "E" in c.cmds,
         "after SKIP no more body chunks, then EOM", c.cmds)
    m, sock = with_milter(tmp, "badskip", on={"B": packet("s")})
    st, s, out, err, _ = run(sock, big)
    m.stop()
    t.ok(st == 1 and s.get("err_protocol") == "1", "SKIP not negotiated is a protocol error", out + err)


def broken(t, tmp, corpus, name, what, kind, *args, **kw):
    """Run against a milter that misbehaves; the error must be seen, of its kind."""
    m, sock = with_milter(tmp, name, **kw)
    st, s, out, err, secs = run(sock, [corpus], "-n", "2", "-t", "0.5", *args)
    m.stop()
    t.ok(st == 1 and int(s.get("err_" + kind, "0")) >= 1 and secs < 20,
         f"{what}: exit 1, counted as {kind} ({secs:.1f} s)", out + err)
    return err


def test_broken_peers(t, tmp, corpus):
    err = broken(t, tmp, corpus, "close", "closes the connection mid-message", "closed",
                 on={"L": "close"})
    t.ok("closed" in err, "the reason names the closed connection", err)
    broken(t, tmp, corpus, "garbage", "answers an unknown reply code", "protocol",
           on={"M": packet("Z", b"junk")})
    broken(t, tmp, corpus, "zero", "answers a zero-length packet", "protocol",
           on={"R": b"\0\0\0\0"})
    broken(t, tmp, corpus, "huge", "announces a 2 GB reply", "protocol",
           on={"N": b"\x7f\xff\xff\xffc"})
    broken(t, tmp, corpus, "silent", "never answers EOM", "timeout", on={"E": "silent"})
    broken(t, tmp, corpus, "optneg", "answers OPTNEG with version 7", "protocol", version=7)
    broken(t, tmp, corpus, "refuse", "rejects at CONNECT", "refused", on={"C": packet("r")})
    broken(t, tmp, corpus, "noaction", "adds a header it did not negotiate", "protocol",
           actions=0x20)
    broken(t, tmp, corpus, "early", "sends a modification before EOM", "protocol",
           on={"N": header_packet("h", "X-Early", "1")})
    broken(t, tmp, corpus, "badcode", "sends a malformed reply code", "protocol",
           eom=[packet("y", b"hello\0")])
    broken(t, tmp, corpus, "trailing", "sends CONTINUE with data", "protocol",
           on={"M": packet("c", b"x")})
    err = broken(t, tmp, corpus, "stray", "answers macro packets, which need no reply", "protocol",
                 on={"D": packet("c")})
    t.ok("nobody asked for" in err, "the reason names the unsolicited reply", err)
    broken(t, tmp, corpus, "twice", "sends two decisions at EOM", "protocol",
           eom=[packet("a"), packet("a")])


def test_decisions(t, tmp, corpus):
    broken(t, tmp, corpus, "tempfail", "tempfails every message", "unexpected", eom=[packet("t")])
    m, sock = with_milter(tmp, "tempok", eom=[packet("t")])
    st, s, out, err, _ = run(sock, [corpus], "-a", "accept,continue,tempfail")
    m.stop()
    t.ok(st == 0 and s.get("tempfail") == "2", "--accept tempfail makes tempfail a success", out + err)
    err = broken(t, tmp, corpus, "reply", "rejects with a reply code", "unexpected",
                 eom=[packet("y", b"550 5.7.1 impersonation\0")])
    t.ok("5.7.1 impersonation" in err, "the reply text is reported", err)
    broken(t, tmp, corpus, "noheader", "accepts without the expected header", "header",
           "-e", "X-Vigie-Verdict", eom=[packet("a")])
    broken(t, tmp, corpus, "wrongvalue", "adds the header with the wrong value", "header",
           "-e", "X-Fake:^ nope$")
    broken(t, tmp, corpus, "quarantine", "quarantines without --accept quarantine", "unexpected",
           eom=[packet("q", b"held\0"), packet("a")])
    m, sock = with_milter(tmp, "cont", eom=[header_packet("h", "X-Fake", "v"), packet("c")])
    st, s, out, err, _ = run(sock, [corpus], "-e", "X-Fake")
    m.stop()
    t.ok(st == 0 and s.get("continue") == "2", "CONTINUE at EOM is a decision, like accept", out + err)


def test_symlist_and_actions_log(t, tmp, corpus):
    m, sock = with_milter(tmp, "symlist", symlists=((2, "{mail_addr} {client_addr} {nosuch}"),))
    st, s, out, err, _ = run(sock, [os.path.join(corpus, "a.eml")], "--actions", "-")
    m.stop()
    mail = [v for stage, v in m.conns[0].macros if stage == "M"][0]
    t.ok(mail == [("{mail_addr}", "alice@example.fr"), ("{client_addr}", "192.0.2.10")],
         "a macro list asked for at OPTNEG replaces the MAIL defaults", mail)
    lines = [ln.split("\t") for ln in out.splitlines() if "\t" in ln]
    t.ok(any(ln[1:3] == ["verdict", "accept"] for ln in lines)
         and any(ln[1:5] == ["insheader", "0", "X-Fake", " seen"] for ln in lines),
         "--actions logs the decision and each modification", out)


def test_concurrency(t, tmp, corpus):
    m, sock = with_milter(tmp, "many")
    st, s, out, err, _ = run(sock, [corpus], "-c", "4", "-m", "3", "-n", "24",
                             "-p", str(os.getpid()))
    m.stop()
    per_conn = [c.cmds.count("E") for c in m.conns]
    quits = sum(c.cmds.count("Q") for c in m.conns)
    aborts = sum(c.cmds.count("A") for c in m.conns)
    t.ok(st == 0 and m.messages() == 24 and max(per_conn) == 3 and len(m.conns) >= 8
         and quits == len(m.conns) and aborts == 24,
         "-c 4 -m 3 -n 24: 24 messages, at most 3 per connection, each connection QUIT",
         (per_conn, quits, aborts, out + err))
    t.ok(re.fullmatch(r"[0-9]+\.[0-9]+", s.get("cpu_s_per_1000", "")) is not None
         and int(s.get("rss_peak_kb", "0")) > 0, "--pid reports CPU per 1000 messages and peak RSS", s)
    m, sock = with_milter(tmp, "duration")
    st, s, out, err, secs = run(sock, [corpus], "-c", "2", "-m", "0", "-d", "0.5")
    m.stop()
    t.ok(st == 0 and int(s.get("messages", "0")) > 2 and secs < 10,
         "--duration runs for the time given, not the corpus size", out + err)


def test_mbox_and_unreachable(t, tmp, corpus):
    box = os.path.join(tmp, "box.mbox")
    with open(box, "w") as f:
        for i in range(3):
            f.write(f"From x@example.org Mon Feb  5 10:00:0{i} 2024\nSubject: {i}\n\n>From line\n\n")
    m, sock = with_milter(tmp, "mbox")
    st, s, out, err, _ = run(sock, [box])
    m.stop()
    t.ok(st == 0 and m.messages() == 3 and m.conns[0].chunks[0] == b"From line\r\n",
         "an mbox is split into its messages, >From unescaped", (m.messages(), out + err))
    st, s, out, err, secs = run(os.path.join(tmp, "nobody.sock"), [corpus], "-n", "100000",
                                "--max-errors", "5")
    t.ok(st == 1 and s.get("err_connect") == "5" and secs < 10,
         "nothing listening: connect errors, stops after --max-errors", out + err)
    p = subprocess.run([MILTERGEN, "inet:0@127.0.0.1", corpus], capture_output=True, text=True)
    t.ok(p.returncode == 2 and "bad inet socket" in p.stderr, "a bad socket spec is a usage error",
         p.stderr)


def main():
    t = Tap()
    tmp = tempfile.mkdtemp(prefix="vigie-miltergen-")
    try:
        corpus = corpus_dir(tmp)
        test_exchange(t, tmp, corpus)
        test_negotiated_away(t, tmp, corpus)
        test_body_chunks_and_skip(t, tmp, corpus)
        test_broken_peers(t, tmp, corpus)
        test_decisions(t, tmp, corpus)
        test_symlist_and_actions_log(t, tmp, corpus)
        test_concurrency(t, tmp, corpus)
        test_mbox_and_unreachable(t, tmp, corpus)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
