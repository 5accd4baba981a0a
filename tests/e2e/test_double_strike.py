"""A trembling hand strikes a key twice, or holds it down: the second strike within
keypad.double_strike_ms is ignored (EN 301 549 5.8), and 0 turns the filter off."""
import time
import unittest

from kiosklib import Kiosk, KioskTest

PAN = "6222000000000017"


def to_menu(k):
    k.insert(PAN)
    k.see("Choose a language")
    k.keys("2")
    k.see("Enter your PIN")
    k.type("1234")
    k.keys("Enter")
    k.see("Main menu")


class DoubleStrike(KioskTest):
    kiosk_args = {"double_strike_ms": None}  # the kiosk's own default

    def test_two_on_the_menu_chooses_withdraw_once(self):
        k = self.k.start()
        to_menu(k)
        k.keys_at_once("2", "2")
        k.wait_for(lambda: k.trace_events("key-ignored"), "the second 2 ignored")
        k.see("Choose an amount")
        self.assertEqual(k.state(), "withdraw")
        k.not_see("¥200.00")
        # The withdraw screen takes the next key as its own.
        k.keys("3")
        k.see("Amount: ¥500.00")
        self.assertEqual(k.state(), "confirm")

    def test_different_keys_at_once_both_act(self):
        k = self.k.start()
        to_menu(k)
        k.keys_at_once("2", "3")
        k.see("Amount: ¥500.00")
        self.assertEqual(k.trace_events("key-ignored"), [])

    def test_held_key_acts_once(self):
        k = self.k.start()
        to_menu(k)
        # Held for three windows: each repeat restarts the window.
        k.hold("2", 1.5)
        k.wait_for(lambda: len(k.trace_events("key-ignored")) >= 10, "the repeats ignored")
        k.see("Choose an amount")
        self.assertEqual(k.state(), "withdraw")
        self.assertEqual([s for s in k.trace_events("state") if s.startswith("confirm")], [])

    def test_ignored_strike_does_not_stop_speech(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.hears("English")
        # 2 chooses English; its second strike would type a PIN digit and cut off the
        # PIN screen's speech.
        k.keys_at_once("2", "2")
        k.hears("Enter your PIN")
        k.wait_for(lambda: k.trace_events("key-ignored"), "the second 2 ignored")
        self.assertEqual(k.trace_events("key-ignored")[-1].split(" ")[0], "digit")
        k.not_see("*")
        said = [e for e in k.trace_events("speech-start") if "Enter your PIN" in e][-1]
        sid = said.split(" ")[0]
        k.wait_for(lambda: any(e.startswith(sid + " ") for e in
                               k.trace_events("speech-done") + k.trace_events("speech-stop")),
                   "the PIN screen's speech to end")
        self.assertTrue(any(e.startswith(sid + " ") for e in k.trace_events("speech-done")),
                        "the PIN screen's speech was cut off")

    def test_repeat_twice_after_the_window(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.keys("2")
        k.hears("Enter your PIN")
        k.keys("*")
        # A customer's second press, slower than a tremor's, within REPEAT's 1.5 s.
        time.sleep(0.7)
        screen = k.spoken()[-1]
        k.keys("*")
        k.wait_for(lambda: len(k.spoken()[-1]) < len(screen) / 2, "one sentence")
        self.assertIn(k.spoken()[-1].strip(" ."), screen)
        self.assertEqual(k.trace_events("key-ignored"), [])


class FilterOff(KioskTest):
    kiosk_args = {"double_strike_ms": 0}

    def test_two_on_the_menu_chooses_200(self):
        k = self.k.start()
        to_menu(k)
        k.keys_at_once("2", "2")
        k.see("Amount: ¥200.00")
        self.assertEqual(k.trace_events("key-ignored"), [])


if __name__ == "__main__":
    unittest.main()
