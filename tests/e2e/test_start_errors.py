"""Every reason the kiosk refuses to start reaches the terminal it was started from, even
though the log takes over stderr there; kioskctl check refuses the same configurations at
the same place; and the kiosk frees everything on the way out (in the sanitizer build a
leak changes the exit status, so these tests fail on one)."""
import fcntl
import os
import pty
import subprocess
import unittest

from kiosklib import Kiosk

# Lines of kiosklib's CONFIG, where each setting's value starts.
ADAPTER_PUBLIC_KEY = "kiosk.yaml:7:15: adapter.public_key: "
KIOSK_KEY = "kiosk.yaml:9:12: kiosk_key: "
DEVICES_SOCKET = "kiosk.yaml:13:11: devices.socket: "
LOG = "kiosk.yaml:25:6: log: "
JOURNAL = "kiosk.yaml:26:10: journal: "


def run_on_terminal(cmd, cwd):
    """Runs cmd with stderr on a pseudo-terminal, as when started by hand; returns the exit
    status and what reached the terminal."""
    master, slave = pty.openpty()
    env = dict(os.environ, LANG="C.UTF-8")
    # LeakSanitizer is on by default in the sanitizer build; say so in case it was not.
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=1"
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the last holder of the terminal is gone
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=30), out.decode("utf-8", "replace").replace("\r\n", "\n")


class StartErrors(unittest.TestCase):
    def setUp(self):
        self.k = Kiosk(start_bank=False)
        self.addCleanup(self.k.close)

    def edit(self, old, new):
        path = self.k.path("kiosk.yaml")
        with open(path) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(path, "w") as f:
            f.write(text.replace(old, new, 1))

    def write(self, name, content):
        with open(self.k.path(name), "w") as f:
            f.write(content)

    def kiosk_refuses(self, reason, *args):
        rc, out = run_on_terminal([Kiosk.bin("kiosk"), "--config", "kiosk.yaml"] +
                                  list(args), self.k.dir)
        self.assertEqual(rc, 1, out)
        self.assertIn(reason, out)
        return out

    def both_refuse(self, reason):
        """The kiosk and the check refuse with the same line, and the check nothing more."""
        out = self.kiosk_refuses(reason)
        self.assertIn("kiosk: 1 error in the configuration; nothing started", out)
        r = subprocess.run([Kiosk.bin("kioskctl"), "check", "kiosk.yaml"], cwd=self.k.dir,
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr, reason + "\n")

    def test_secret_key_cut_short(self):
        with open(self.k.path("keys", "kiosk.key")) as f:
            key = f.read()
        self.write("keys/kiosk.key", key[:64] + "\n")
        self.both_refuse(KIOSK_KEY + "keys/kiosk.key: wrong length: 64 hex characters, "
                         "expected 128 for a secret key (this looks like a public key: "
                         "give the .key file)")

    def test_adapter_key_garbage(self):
        self.write("keys/adapter.pub", "not a key at all\n")
        self.both_refuse(ADAPTER_PUBLIC_KEY + "keys/adapter.pub: not hex (unexpected "
                         "character at offset 0)")

    def test_journal_in_missing_directory(self):
        self.edit("journal: journal", "journal: gone/journal")
        self.both_refuse(JOURNAL + "directory not found: gone")

    def test_journal_is_a_directory(self):
        self.edit("journal: journal", "journal: keys")
        self.both_refuse(JOURNAL + "keys is a directory; name a file in it")

    def test_log_in_missing_directory(self):
        self.edit("log: kiosk.log", "log: gone/kiosk.log")
        self.both_refuse(LOG + "directory not found: gone")

    def test_log_is_a_directory(self):
        self.edit("log: kiosk.log", "log: keys")
        self.both_refuse(LOG + "keys is a directory; name a file in it")

    def test_device_socket_in_missing_directory(self):
        self.edit("socket: run/devices.sock", "socket: gone/devices.sock")
        self.both_refuse(DEVICES_SOCKET + "directory not found: gone")

    # Options override kiosk.yaml, so only opening finds these.
    def test_log_option_cannot_open(self):
        self.kiosk_refuses("kiosk: cannot open log gone/kiosk.log: No such file or "
                           "directory", "--log", "gone/kiosk.log")

    def test_devices_option_cannot_listen(self):
        out = self.kiosk_refuses("kiosk: device channel: gone/devices.sock: No such file "
                                 "or directory", "--devices", "gone/devices.sock")
        self.assertNotIn("nothing started", out)

    def test_journal_in_use(self):
        # Only the open itself finds this, after the log has taken over stderr.
        with open(self.k.path("journal"), "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            out = self.kiosk_refuses("kiosk: journal: journal: in use by another kiosk "
                                     "process")
        self.assertNotIn("nothing started", out)
        with open(self.k.path("kiosk.log")) as f:
            self.assertIn("journal: in use by another kiosk process", f.read())


if __name__ == "__main__":
    unittest.main()
