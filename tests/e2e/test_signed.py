"""Signed screens: a kiosk with branch IT's public key starts only on the configuration
IT signed. A changed layout is refused by name, shown and said as out of service in the
kiosk's own words, and the kiosk exits non-zero; without a key it runs in unsigned mode
and says so in its log."""
import os
import subprocess
import unittest

from kiosklib import OWN_FILES_CONFIG, SRC, KioskTest


class Signed(KioskTest):
    kiosk_args = {"config_text": OWN_FILES_CONFIG.format(
        src=SRC, idle=60, warning=20, pin=90, take=30, speech_percent=100)}

    def setUp(self):
        super().setUp()
        k = self.k
        k.own_files()
        os.makedirs(k.path("it"))
        subprocess.run([k.bin("kioskctl"), "keygen", "--dir", k.path("it"), "it"],
                       check=True, capture_output=True)
        subprocess.run([k.bin("kioskctl"), "sign", "--key", k.path("it", "it.key"),
                        k.path("kiosk.yaml")], check=True, capture_output=True)
        self.it_key = "--it-key " + k.path("it", "it.pub")

    def log(self):
        with open(self.k.path("kiosk.log"), encoding="utf-8") as f:
            return f.read()

    def test_signed_configuration_serves(self):
        k = self.k.start(self.it_key)
        k.see("Please insert your card")
        self.assertIn("configuration verified against IT's public key", self.log())

    def test_changed_layout_is_out_of_service(self):
        k = self.k
        with open(k.path("layouts", "pin.yaml"), "a", encoding="utf-8") as f:
            f.write("# changed on the machine\n")
        k.start(self.it_key)
        k.hears("Out of service")
        k.hears("暂停服务")
        self.assertEqual(k.kiosk_exit(), 1)
        self.assertIn("layouts/pin.yaml:1:1: changed since it was signed", self.log())
        self.assertIn("out_of_service", [rest.split()[0] for _, ev, rest in k.trace()
                                         if ev == "screen"])
        # The refusal is on the terminal too, for whoever started it by hand.
        k.see("changed since it was signed")
        # Nothing else of the kiosk started: no device channel, no bank request.
        self.assertFalse(k.trace_events("req"))

    def test_extra_file_and_other_key(self):
        k = self.k
        with open(k.path("voice", "fr.yaml"), "w", encoding="utf-8") as f:
            f.write("language: fr\n")
        # Signed again, all of it, but with a key that is not IT's.
        subprocess.run([k.bin("kioskctl"), "keygen", "--dir", k.path("it"), "other"],
                       check=True, capture_output=True)
        subprocess.run([k.bin("kioskctl"), "sign", "--key", k.path("it", "other.key"),
                        k.path("kiosk.yaml")], check=True, capture_output=True)
        k.start(self.it_key)
        self.assertEqual(k.kiosk_exit(), 1)
        self.assertIn("kiosk.manifest:1:1: signed by another key", self.log())
        k.see("signed by another key")

        os.unlink(k.path("it", "other.key"))
        subprocess.run([k.bin("kioskctl"), "sign", "--key", k.path("it", "it.key"),
                        k.path("kiosk.yaml")], check=True, capture_output=True)
        with open(k.path("voice", "en2.yaml"), "w", encoding="utf-8") as f:
            f.write("language: en\n")
        k.restart(extra_args=self.it_key)
        self.assertEqual(k.kiosk_exit(), 1)
        self.assertIn("voice/en2.yaml:1:1: an extra file", self.log())

    def test_unsigned_mode_is_logged(self):
        k = self.k.start("--it-key " + self.k.path("no-such-key.pub"))
        k.see("Please insert your card")
        self.assertIn("unsigned mode: no IT public key at", self.log())


if __name__ == "__main__":
    unittest.main()
