"""opendkimpeer - Debian's opendkim in verify mode, private to one test or benchmark.

Writes its own opendkim.conf in the caller's directory (Mode v, keys from a
TestPublicKeys file, AlwaysAddARHeader yes, unix socket, no syslog), starts
`opendkim -f` without network access when `unshare -n` works (keys come from
the file, so it needs none), and stops it by PID.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

OPENDKIM = shutil.which("opendkim", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def dkim_keys(directory):
    """An rsa-2048 and an ed25519 key pair made by dknewkey: {kind: (private, TXT)}."""
    keys = {}
    for kind in ("rsa", "ed25519"):
        base = os.path.join(directory, kind)
        subprocess.run(["dknewkey", "--ktype", kind, base], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(base + ".key", "rb") as f:
            private = f.read()
        with open(base + ".dns") as f:
            txt = f.read().strip()
        keys[kind] = (private, txt)
    return keys


def socket_answers(spec):
    """Whether a milter socket (local:PATH, unix:PATH or inet:PORT[@HOST]) accepts a connection."""
    if spec.startswith("local:") or spec.startswith("unix:"):
        fam, addr = socket.AF_UNIX, spec.split(":", 1)[1]
    else:
        port, _, host = spec.split(":", 1)[1].partition("@")
        fam, addr = socket.AF_INET, (host or "127.0.0.1", int(port))
    try:
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            s.connect(addr)
        return True
    except OSError:
        return False


def _netless():
    """The prefix that runs a command without network, or nothing if it cannot."""
    try:
        ok = subprocess.run(["unshare", "-n", "true"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        ok = False
    return ["unshare", "-n"] if ok else []


class OpenDKIM:
    """One opendkim -f process on a unix socket in directory, or on socket_spec;
    in a network namespace of its own only on a unix socket."""

    def __init__(self, directory, test_keys, authserv="mx.test", socket_spec=None,
                 umask="007", netless=True):
        self.dir = directory
        self.netless = netless and self.spec_is_unix(socket_spec)
        self.sock = os.path.join(directory, "opendkim.sock")
        self.spec = socket_spec or "local:" + self.sock
        self.conf = os.path.join(directory, "opendkim.conf")
        self.log = os.path.join(directory, "opendkim.log")
        with open(self.conf, "w") as f:
            f.write(f"Mode v\nSocket {self.spec}\nTestPublicKeys {test_keys}\n"
                    f"AlwaysAddARHeader yes\nAuthservID {authserv}\nSyslog no\n"
                    "Background no\nSoftwareHeader no\n"
                    f"UMask {umask}\n")
        self.proc = None

    @staticmethod
    def spec_is_unix(spec):
        """Whether a socket spec names a unix socket (None: the default one)."""
        return spec is None or spec.startswith("local:") or spec.startswith("unix:")

    def start(self, wait=10.0):
        """Start and wait until the socket answers; False if it never does."""
        with open(self.log, "w") as log:
            # unshare execs opendkim, so the PID is opendkim's own
            prefix = _netless() if self.netless else []
            self.proc = subprocess.Popen(prefix + [OPENDKIM, "-f", "-x", self.conf],
                                         stdout=log, stderr=log)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if self._answers():
                return True
            time.sleep(0.05)
        return False

    def _answers(self):
        """Whether the socket accepts a connection."""
        return socket_answers(self.spec)

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        """SIGTERM, then SIGKILL if it lingers; always reaped."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        # libmilter notices the signal when its accept loop wakes up (every
        # few seconds); a connection wakes it at once
        self._answers()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def logtext(self):
        with open(self.log, errors="replace") as f:
            return f.read()
