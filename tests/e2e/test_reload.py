"""Reload between customers: SIGHUP or kioskctl reload rereads, checks and verifies the
configuration; the new set shows at the next welcome screen and never in the middle of a
customer's visit. A broken kiosk.yaml or a set that is not as IT signed it is refused,
each reason logged by name, and the running one stays."""
import os
import signal
import subprocess
import unittest

from kiosklib import OWN_FILES_CONFIG, SRC, KioskTest

PAN = "6222000000000017"
OLD = "Please insert your card"
NEW = "Put your bank card in the slot"


class Reload(KioskTest):
    kiosk_args = {"config_text": OWN_FILES_CONFIG.format(
        src=SRC, idle=60, warning=20, pin=90, take=30, speech_percent=100)}

    def setUp(self):
        super().setUp()
        self.k.own_files()

    def log(self):
        with open(self.k.path("kiosk.log"), encoding="utf-8") as f:
            return f.read()

    def edit(self, name, old, new):
        path = self.k.path(name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(old, text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))

    def reloads(self, outcome, before=0):
        """Waits for the kiosk to have answered one reload more than before."""
        self.k.wait_for(lambda: len(self.k.trace_events("reload")) > before,
                        "the kiosk to read the configuration")
        self.assertEqual(self.k.trace_events("reload")[before].split()[0], outcome)

    def sighup(self):
        os.kill(self.k.kiosk_pid(), signal.SIGHUP)

    def kioskctl_reload(self):
        out = subprocess.run([self.k.bin("kioskctl"), "reload", "--config",
                              self.k.path("kiosk.yaml")], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_sighup_at_welcome(self):
        k = self.k.start()
        k.see(OLD)
        self.edit(os.path.join("layouts", "welcome.yaml"), OLD, NEW)
        # Sockets and the like are opened once: a change waits for a restart.
        self.edit("kiosk.yaml", "kiosk_id: TEST-K01", "kiosk_id: TEST-K02")
        self.sighup()
        self.reloads("accepted")
        k.see(NEW)
        k.not_see(OLD)
        self.assertIn("reload: kiosk_id changed: takes effect at restart", self.log())
        self.assertIn("reload: new configuration in effect", self.log())
        k.see("TEST-K01")
        # SIGHUP no longer stops the kiosk: it still serves.
        k.sign_in(PAN, "1234", lang_key="2")

    def test_reload_waits_for_the_session_to_end(self):
        k = self.k.start()
        k.sign_in(PAN, "1234", lang_key="2")
        k.see("Main menu")
        self.edit(os.path.join("layouts", "welcome.yaml"), OLD, NEW)
        self.edit(os.path.join("layouts", "menu.yaml"), "en: Main menu", "en: Services")
        self.edit("kiosk.yaml", "kiosk_id: TEST-K01", "kiosk_id: TEST-K02")
        self.kioskctl_reload()
        self.reloads("accepted")
        # The customer's visit goes on with the screens it started with, and a setting
        # that waits for a restart does not creep in while the set waits either.
        k.keys("F1")  # help over the menu, then back: the menu drawn anew
        k.keys("F1")
        k.see("Main menu")
        k.not_see("Services")
        k.keys("/")  # help, and CANCEL back to the menu, drawn anew
        k.see("Help")
        k.keys("Escape")
        k.see("Main menu")
        k.see("TEST-K01")
        k.not_see("TEST-K02")
        self.assertEqual(k.state(), "menu")
        self.assertNotIn("reload: new configuration in effect", self.log())
        k.keys("Escape")
        k.asks("eject-card")
        k.device("card-take")
        k.see(NEW)
        k.not_see(OLD)
        self.assertIn("reload: new configuration in effect", self.log())
        k.sign_in(PAN, "1234", lang_key="2")
        k.see("Services")
        k.see("TEST-K01")

    def test_broken_configuration_is_refused(self):
        k = self.k.start()
        k.see(OLD)
        self.edit(os.path.join("layouts", "welcome.yaml"), OLD, NEW)
        self.edit("kiosk.yaml", "idle: 60", "idle: soon")
        self.sighup()
        self.reloads("refused")
        log = self.log()
        self.assertRegex(log, r"reload: refused: kiosk\.yaml:\d+:\d+: .*idle")
        self.assertIn("reload: refused; the running configuration stays", log)
        k.see(OLD)
        k.not_see(NEW)
        # A layout in error is named too.
        self.edit("kiosk.yaml", "idle: soon", "idle: 60")
        with open(k.path("layouts", "menu.yaml"), "a", encoding="utf-8") as f:
            f.write("nonsense: [\n")
        self.kioskctl_reload()
        self.reloads("refused", 1)
        self.assertRegex(self.log(), r"reload: refused: layouts/menu\.yaml:\d+:\d+: ")
        k.see(OLD)


class SignedReload(Reload):
    """Signed by IT: a set changed after signing is refused by name at reload."""

    def setUp(self):
        super().setUp()
        k = self.k
        os.makedirs(k.path("it"))
        subprocess.run([k.bin("kioskctl"), "keygen", "--dir", k.path("it"), "it"],
                       check=True, capture_output=True)
        self.sign()

    def sign(self):
        subprocess.run([self.k.bin("kioskctl"), "sign", "--key",
                        self.k.path("it", "it.key"), self.k.path("kiosk.yaml")],
                       check=True, capture_output=True)

    def test_tampered_set_is_refused(self):
        k = self.k.start("--it-key " + self.k.path("it", "it.pub"))
        k.see(OLD)
        Reload.edit(self, os.path.join("layouts", "welcome.yaml"), OLD, NEW)
        self.sighup()
        self.reloads("refused")
        self.assertIn("reload: refused: signature: layouts/welcome.yaml:1:1: changed since "
                      "it was signed", self.log())
        k.see(OLD)
        k.not_see(NEW)
        # Signed again by IT, the same change is taken.
        self.sign()
        self.sighup()
        self.reloads("accepted", 1)
        k.see(NEW)
        self.assertIn("verified against IT's public key", self.log())

    # The unsigned cases above, run signed: IT signs each change.
    def edit(self, name, old, new):
        super().edit(name, old, new)
        self.sign()

    test_broken_configuration_is_refused = None


if __name__ == "__main__":
    unittest.main()
