#!/usr/bin/python3
"""milterdrop - MTA connections to a milter that give up half-way.

Speaks the MTA side of the milter protocol (version 6) and closes the
socket at one of these points, in turn:

  optneg      after sending the option negotiation, before its reply
  connect     after the connection information
  mail        after MAIL FROM
  header      after some of the header fields
  header-cut  in the middle of a header packet (its length says more)
  eoh         after the end of the header
  body        in the middle of the body, after some chunks
  body-cut    in the middle of a body packet
  eom         after sending the end of message, before the reply
  abort       after ABORT of a half-sent message, then QUIT

usage: milterdrop.py [-c THREADS] [-n COUNT | -d SECONDS] SOCKET

SOCKET is unix:/path or local:/path. Prints one summary line,
"drops=N errors=N" and the count per point; exit status 0 when every
connection was made and behaved (the milter answered what it was asked).
Touches only that socket.
"""
import argparse
import itertools
import socket
import struct
import sys
import threading
import time

POINTS = ["optneg", "connect", "mail", "header", "header-cut", "eoh", "body",
          "body-cut", "eom", "abort"]
HEADERS = [("From", " \"Viamedis\" <paiement@xn--viamdis-eya.fr>"),
           ("To", " opticien@example.net"),
           ("Subject", " Mise a jour de votre RIB"),
           ("Date", " Mon, 5 Feb 2024 10:00:00 +0100"),
           ("Message-ID", " <drop@example.net>"),
           ("X-Filler", " " + "x" * 900)]
BODY = b"Bonjour,\r\nMerci de confirmer votre RIB sur https://xn--viamdis-eya.fr/\r\n" * 200


def packet(cmd, data=b""):
    """one milter packet: length, command, data"""
    return struct.pack(">I", len(data) + 1) + cmd + data


def read_reply(sock):
    """one reply packet: (command byte, data); raises on EOF"""
    head = b""
    while len(head) < 4:
        got = sock.recv(4 - len(head))
        if not got:
            raise EOFError("milter closed the connection")
        head += got
    (size,) = struct.unpack(">I", head)
    if size == 0 or size > 1 << 20:
        raise ValueError("bad reply length %d" % size)
    body = b""
    while len(body) < size:
        got = sock.recv(size - len(body))
        if not got:
            raise EOFError("milter closed the connection mid-reply")
        body += got
    return body[:1], body[1:]


def ask(sock, cmd, data=b"", want=b"c"):
    """send a command, read its reply, which must be one of want"""
    sock.sendall(packet(cmd, data))
    code, _ = read_reply(sock)
    if code not in want:
        raise ValueError("command %r: reply %r" % (cmd, code))
    return code


def one(path, point, serial):
    """one connection given up at point"""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    try:
        # version 6, every action, no protocol step offered away
        s.sendall(packet(b"O", struct.pack(">III", 6, 0x1FF, 0)))
        if point == "optneg":
            return
        code, _ = read_reply(s)
        if code != b"O":
            raise ValueError("negotiation reply %r" % code)
        ask(s, b"C", b"client.example\0" + b"4" + struct.pack(">H", 40000 + serial % 1000)
            + b"203.0.113.%d\0" % (1 + serial % 250))
        if point == "connect":
            return
        ask(s, b"M", b"<bounce@mailer.example.net>\0")
        if point == "mail":
            return
        for i, (name, value) in enumerate(HEADERS):
            if point == "header-cut" and i == 2:
                whole = packet(b"L", name.encode() + b"\0" + value.encode() + b"\0")
                s.sendall(whole[:len(whole) // 2])
                return
            if point == "header" and i == 1 + serial % (len(HEADERS) - 1):
                return
            ask(s, b"L", name.encode() + b"\0" + value.encode() + b"\0")
        ask(s, b"N")
        if point == "eoh":
            return
        for i in range(0, len(BODY), 4096):
            chunk = BODY[i:i + 4096]
            if point == "body-cut" and i >= 8192:
                whole = packet(b"B", chunk)
                s.sendall(whole[:100])
                return
            if point == "body" and i >= 4096 * (1 + serial % 4):
                return
            if point == "abort" and i >= 8192:
                s.sendall(packet(b"A"))
                s.sendall(packet(b"Q"))
                return
            # the milter may say it has read enough (SKIP)
            if ask(s, b"B", chunk, want=b"cs") == b"s":
                break
        if point in ("body", "body-cut", "abort"):
            return
        s.sendall(packet(b"E"))
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-c", type=int, default=4, help="threads")
    ap.add_argument("-n", type=int, default=0, help="connections in all")
    ap.add_argument("-d", type=float, default=0, help="seconds")
    ap.add_argument("socket")
    a = ap.parse_args()
    path = a.socket.split(":", 1)[1] if ":" in a.socket else a.socket
    counts = {p: 0 for p in POINTS}
    errors = []
    lock = threading.Lock()
    serials = itertools.count()
    end = time.monotonic() + a.d if a.d else None

    def worker():
        while True:
            k = next(serials)
            if (a.n and k >= a.n) or (end and time.monotonic() >= end):
                return
            point = POINTS[k % len(POINTS)]
            try:
                one(path, point, k)
                with lock:
                    counts[point] += 1
            except Exception as e:  # every failure is reported, none hidden
                with lock:
                    errors.append("%s: %s" % (point, e))
    threads = [threading.Thread(target=worker) for _ in range(a.c)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in errors[:10]:
        print("error: " + e, file=sys.stderr)
    print("drops=%d errors=%d %s" % (sum(counts.values()), len(errors),
                                     " ".join("%s=%d" % kv for kv in counts.items())))
    return 1 if errors or not sum(counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
