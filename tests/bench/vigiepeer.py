"""vigiepeer - a vigie daemon private to one benchmark, started and stopped by PID.

Writes its own vigie.conf in the caller's directory (Syslog no, InternalHosts
none so that loopback clients are analysed, keys from a TestPublicKeys file,
DKIMVerify as asked) and starts `vigie -f`, whose one log line per message
goes to a file, as a production daemon's goes to syslog. With log=False it
starts in the background with no log at all, to measure what logging costs.
Runs without network access when `unshare -n` works (no DNS is needed: keys
come from the file). Stopped with SIGTERM, then SIGKILL, by PID.
"""

import os
import signal
import subprocess
import time

from opendkimpeer import _netless, socket_answers
from taputil import BUILD

VIGIE = os.environ.get("VIGIE") or os.path.join(BUILD, "milter", "vigie")


def _alive(pid):
    """Whether pid runs (a zombie left to a parent that does not reap is not running)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Vigie:
    """One vigie process on socket (default: a unix socket in directory)."""

    def __init__(self, directory, test_keys=None, dkim="always", socket_spec=None,
                 authserv="mx.test", log=True, extra="", netless=True):
        self.dir = directory
        self.sock = os.path.join(directory, "vigie.sock")
        self.spec = socket_spec or "local:" + self.sock
        self.conf = os.path.join(directory, "vigie.conf")
        self.log = os.path.join(directory, "vigie.log")
        self.pidfile = os.path.join(directory, "vigie.pid")
        self.foreground = log
        # a TCP socket in a namespace of its own could not be reached
        self.netless = netless and not self.spec.startswith("inet")
        keys = f"TestPublicKeys {test_keys}\n" if test_keys else ""
        # the bodies kept for the warning banner: in this directory, not the system's
        if "BannerSpool" not in extra:
            extra += f"BannerSpool {os.path.join(directory, 'spool')}\n"
        with open(self.conf, "w") as f:
            f.write(f"Socket {self.spec}\nPidFile {self.pidfile}\nSyslog no\n"
                    f"AuthservID {authserv}\nInternalHosts none\nDKIMVerify {dkim}\n"
                    f"{keys}{extra}")
        self.proc = None
        self._pid = None

    def _answers(self):
        """Whether the socket accepts a connection."""
        return socket_answers(self.spec)

    def start(self, wait=15.0):
        """Start and wait until the socket answers; False if it never does."""
        prefix = _netless() if self.netless else []
        args = [VIGIE, "-c", self.conf] + (["-f"] if self.foreground else [])
        with open(self.log, "w") as log:
            # unshare execs vigie, so the PID is vigie's own
            self.proc = subprocess.Popen(prefix + args, stdout=log, stderr=log)
        if not self.foreground:
            # the parent exits once the daemon is ready
            if self.proc.wait(wait) != 0:
                return False
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.foreground and self.proc.poll() is not None:
                return False
            if os.path.exists(self.pidfile) and self._answers():
                with open(self.pidfile) as f:
                    self._pid = int(f.read().split()[0])
                return True
            time.sleep(0.05)
        return False

    @property
    def pid(self):
        return self._pid

    def stop(self):
        """SIGTERM, then SIGKILL if it lingers; always reaped."""
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGTERM)
        except ProcessLookupError:
            self._pid = None
            return
        # libmilter notices the signal when its accept loop wakes up
        self._answers()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.foreground and self.proc.poll() is not None:
                break
            if not self.foreground and not _alive(self._pid):
                break
            time.sleep(0.05)
        else:
            os.kill(self._pid, signal.SIGKILL)
        if self.foreground:
            self.proc.wait()
        self._pid = None

    def logtext(self):
        with open(self.log, errors="replace") as f:
            return f.read()


NULLMILTER = os.path.join(BUILD, "tests", "bench", "nullmilter")


class NullMilter(Vigie):
    """tests/bench/nullmilter: libmilter with no analysis, on the same kind of socket."""

    def __init__(self, directory, socket_spec=None, netless=True, options=()):
        self.dir = directory
        self.options = list(options)
        self.sock = os.path.join(directory, "null.sock")
        self.spec = socket_spec or "local:" + self.sock
        self.log = os.path.join(directory, "null.log")
        self.pidfile = os.path.join(directory, "null.pid")
        self.foreground = True
        self.netless = netless and not self.spec.startswith("inet")
        self.proc = None
        self._pid = None

    def start(self, wait=15.0):
        """Start and wait until the socket answers; False if it never does."""
        prefix = _netless() if self.netless else []
        with open(self.log, "w") as log:
            # a socket any local MTA account may connect to, as vigie's UMask 0
            self.proc = subprocess.Popen(prefix + [NULLMILTER, *self.options, self.spec, self.pidfile],
                                         stdout=log, stderr=log, preexec_fn=lambda: os.umask(0))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if os.path.exists(self.pidfile) and self._answers():
                self._pid = self.proc.pid
                return True
            time.sleep(0.05)
        return False
