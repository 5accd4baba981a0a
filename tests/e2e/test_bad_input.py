"""Bad input from branch IT or the hardware: clear errors, never a crash or garbage."""
import os
import subprocess
import unittest

from kiosklib import Kiosk, KioskTest

BROKEN = """\
kiosk_id: TEST-K01
languages:
  offered: [zh, en]
  default: fr
adapter:
  socket: run/bankd.sock
  public_key: keys/missing.pub
  timeout_ms: fast
kiosk_key: keys/kiosk.key
layouts: {src}/layouts
voice: {src}/voice
devices:
  socket: run/devices.sock
colour: blue
"""


class BadConfig(unittest.TestCase):
    def setUp(self):
        from kiosklib import SRC
        self.k = Kiosk(config_text=BROKEN.format(src=SRC), start_bank=False)
        self.addCleanup(self.k.close)

    def check_errors(self, out):
        cfg = "kiosk.yaml"
        self.assertRegex(out, cfg + r":4:12: .*fr")
        self.assertRegex(out, cfg + r":7:15: .*missing.pub")
        self.assertRegex(out, cfg + r":8:15: .*")
        self.assertRegex(out, cfg + r":14:1: .*colour")

    def test_kiosk_refuses_to_start(self):
        r = subprocess.run([Kiosk.bin("kiosk"), "--config", "kiosk.yaml"], cwd=self.k.dir,
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.check_errors(r.stderr)

    def test_kioskctl_check(self):
        r = subprocess.run([Kiosk.bin("kioskctl"), "check", "kiosk.yaml"], cwd=self.k.dir,
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.check_errors(r.stderr)

    def test_kiosk_in_terminal_shows_no_half_screen(self):
        self.k.start()
        self.k.wait_for(lambda: os.path.exists(self.k.path("exit-status")), "kiosk exit")
        with open(self.k.path("exit-status")) as f:
            self.assertEqual(f.read().strip(), "kiosk-exit=1")
        self.assertRegex(self.k.screen(), r"kiosk.yaml:4:12:")


class MissingVoice(unittest.TestCase):
    """A voice espeak-ng does not have: kioskctl check names it; the kiosk still serves
    sighted customers on the screen and says in its log which voice is missing."""

    def setUp(self):
        from kiosklib import CONFIG, SRC
        text = CONFIG.format(src=SRC, idle=60, warning=20, pin=90, take=30,
                             speech_percent=100)
        self.k = Kiosk(config_text=text.replace("voice: cmn-latn-pinyin",
                                                "voice: no-such-voice"))
        self.addCleanup(self.k.close)

    def test_screen_only(self):
        k = self.k.start()
        k.see("Please insert your card")
        with open(k.path("kiosk.log")) as f:
            self.assertRegex(f.read(), r"speech: unavailable, screen only: language zh: "
                             r"espeak-ng: voice no-such-voice: .*kiosk\.yaml")
        k.device("headset-in")
        k.insert("6222000000000017")
        k.keys("2")
        k.in_state("pin")
        self.assertEqual(k.spoken(), [])
        self.assertFalse(os.path.exists(k.path("exit-status")))


class UnknownKeySequence(KioskTest):
    def test_is_ignored_not_taken_for_cancel(self):
        k = self.k.start()
        k.insert("6222000000000017")
        k.in_state("language")
        # A key the terminal description does not know arrives as ESC [ 9 9 ~ at once.
        subprocess.run(k.tmux + ["send-keys", "-t", "0", "-l", "\x1b[99~"], check=True)
        k.wait_for(lambda: "does not know was ignored" in open(k.path("kiosk.log")).read(),
                   "the sequence logged as ignored")
        self.assertEqual(k.state(), "language")
        self.assertNotIn("eject-card", k.read_device())
        # The Escape key alone is still CANCEL.
        k.keys("Escape")
        k.asks("eject-card")


class SmallTerminal(KioskTest):
    kiosk_args = {"cols": 60, "rows": 20}

    def test_small_terminal_message(self):
        k = self.k.start()
        k.see("80x24")
        k.see("60x20")
        k.not_see("Please insert your card")


class BadDeviceLines(KioskTest):
    def test_malformed_lines_are_ignored(self):
        k = self.k.start()
        k.see("Please insert your card")
        for line in ("card-insert", "card-insert 12ab", "card-insert 6222000000000017 x",
                     "explode", "x" * 5000, "cash-take now"):
            k.device(line)
        k.wait_for(lambda: len(k.trace_events("device-bad")) >= 5, "bad lines traced")
        self.assertEqual(k.state(), "welcome")
        k.insert("6222000000000017")
        k.in_state("language")


if __name__ == "__main__":
    unittest.main()
