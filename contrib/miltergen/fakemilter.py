"""fakemilter - a scripted milter peer for testing the load generator.

Listens on a unix socket in the caller's temporary directory, records every
packet the MTA side sends (per connection), replies as a libmilter filter
would for the steps and replies it negotiated, and misbehaves on request:
close the connection, answer garbage, announce an oversized reply, never
answer. Runs in threads of the calling test process; stop() ends them all.
"""

import socket
import struct
import threading

SMFIP = {
    "NOCONNECT": 0x1, "NOHELO": 0x2, "NOMAIL": 0x4, "NORCPT": 0x8, "NOBODY": 0x10,
    "NOHDRS": 0x20, "NOEOH": 0x40, "NR_HDR": 0x80, "NOUNKNOWN": 0x100, "NODATA": 0x200,
    "SKIP": 0x400, "RCPT_REJ": 0x800, "NR_CONN": 0x1000, "NR_HELO": 0x2000,
    "NR_MAIL": 0x4000, "NR_RCPT": 0x8000, "NR_DATA": 0x10000, "NR_UNKN": 0x20000,
    "NR_EOH": 0x40000, "NR_BODY": 0x80000, "HDR_LEADSPC": 0x100000,
}
# the step a flag removes, and the reply a flag removes, per command
NO_STEP = {"C": "NOCONNECT", "H": "NOHELO", "M": "NOMAIL", "R": "NORCPT", "B": "NOBODY",
           "L": "NOHDRS", "N": "NOEOH", "T": "NODATA"}
NO_REPLY = {"C": "NR_CONN", "H": "NR_HELO", "M": "NR_MAIL", "R": "NR_RCPT", "T": "NR_DATA",
            "L": "NR_HDR", "N": "NR_EOH", "B": "NR_BODY"}


def steps(*names):
    """The SMFIP_* mask of the given flag names."""
    mask = 0
    for n in names:
        mask |= SMFIP[n]
    return mask


def packet(cmd, data=b""):
    """One milter packet: length, command byte, data."""
    return struct.pack(">I", len(data) + 1) + cmd.encode("latin-1") + data


def header_packet(op, name, value, index=None):
    """An add ('h'), insert ('i') or change ('m') header request."""
    prefix = struct.pack(">I", index) if index is not None else b""
    return packet(op, prefix + name.encode() + b"\0" + value.encode() + b"\0")


class Connection:
    """What one MTA connection sent."""

    def __init__(self):
        self.cmds = []          # command letters, in order (macros as 'D')
        self.macros = []        # (stage letter, [(name, value), ...])
        self.headers = []       # (name, value) as received
        self.chunks = []        # body chunks, bytes
        self.optneg = None      # (version, actions, steps) offered
        self.violations = []    # commands the milter negotiated away but got


class FakeMilter:
    """A milter that does what the test says, on a unix socket."""

    def __init__(self, path, steps=0, actions=0x1FF, version=6, symlists=(), on=None, eom=None):
        self.path = path
        self.steps = steps
        self.actions = actions
        self.version = version
        self.symlists = symlists    # ((stage number, "names"), ...)
        self.on = on or {}          # command letter -> 'close' | 'silent' | bytes | callable
        self.eom = eom if eom is not None else [
            header_packet("i", "X-Fake", " seen", 0), packet("a")]
        self.conns = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []
        self.sock = None

    def start(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(128)
        self.sock.settimeout(0.1)
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self.threads.append(t)
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(10)
        self.sock.close()

    def messages(self):
        """EOMs received, all connections."""
        with self.lock:
            return sum(c.cmds.count("E") for c in self.conns)

    def _accept(self):
        while not self.stopping.is_set():
            try:
                s, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(s,), daemon=True)
            t.start()
            with self.lock:
                self.threads.append(t)

    @staticmethod
    def _read(s, n):
        data = b""
        while len(data) < n:
            part = s.recv(n - len(data))
            if not part:
                return None
            data += part
        return data

    def _next(self, s):
        head = self._read(s, 4)
        if head is None:
            return None, None
        (length,) = struct.unpack(">I", head)
        body = self._read(s, length)
        if body is None:
            return None, None
        return chr(body[0]), body[1:]

    def _optneg(self, c, data):
        c.optneg = struct.unpack(">III", data[:12])
        extra = b"".join(struct.pack(">I", stage) + names.encode() + b"\0"
                         for stage, names in self.symlists)
        return packet("O", struct.pack(">III", self.version, self.actions, self.steps) + extra)

    def _record(self, c, cmd, data):
        c.cmds.append(cmd)
        if cmd == "D":
            fields = data[1:].split(b"\0")[:-1]
            c.macros.append((chr(data[0]), [(fields[i].decode(), fields[i + 1].decode())
                                            for i in range(0, len(fields) - 1, 2)]))
        elif cmd == "L":
            name, value = data.split(b"\0")[:2]
            c.headers.append((name.decode(), value.decode("utf-8", "replace")))
        elif cmd == "B":
            c.chunks.append(data)
        if cmd in NO_STEP and self.steps & SMFIP[NO_STEP[cmd]]:
            c.violations.append(cmd)

    def _answer(self, c, cmd, data):
        """What to send back: bytes, or 'close' / 'silent'."""
        if cmd == "O":
            return self._optneg(c, data)
        action = self.on.get(cmd)
        if callable(action):
            action = action(c, data)
        if action is not None:
            return action
        if cmd in ("D", "A", "Q"):
            return b""
        if cmd in NO_REPLY and self.steps & SMFIP[NO_REPLY[cmd]]:
            return b""
        if cmd == "E":
            return b"".join(self.eom)
        return packet("c")

    def _serve(self, s):
        c = Connection()
        with self.lock:
            self.conns.append(c)
        s.settimeout(10)
        try:
            while not self.stopping.is_set():
                cmd, data = self._next(s)
                if cmd is None:
                    return
                self._record(c, cmd, data)
                if cmd == "Q":
                    return
                answer = self._answer(c, cmd, data)
                if answer == "close":
                    return
                if answer == "silent":
                    self.stopping.wait(30)
                    return
                if answer:
                    s.sendall(answer)
        except OSError:
            return
        finally:
            s.close()
