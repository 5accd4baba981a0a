"""The speech controls a blind customer uses, heard as they would hear them."""
import time
import unittest

from kiosklib import KioskTest, field

PAN = "6222000000000033"


class SpeechControls(KioskTest):
    def test_volume_and_speed_are_said(self):
        k = self.k.start()
        k.headset_in()
        k.hears("Please insert your card")
        k.keys("+")
        k.hears("音量六，共八级")
        for _ in range(3):
            k.keys("+")
        k.hears("音量八，共八级")
        said = len(k.spoken())
        # At the top the level is said again, so the customer knows it is the end.
        k.keys("+")
        k.wait_for(lambda: len(k.spoken()) > said, "the level said again")
        self.assertIn("音量八，共八级", k.spoken()[-1])
        k.keys("PageUp")
        k.hears("语速四，共七级")
        k.keys("PageDown", "PageDown", "PageDown")
        k.hears("语速一，共七级")

    def test_pause_and_resume(self):
        k = self.k.start()
        k.headset_in()
        k.hears("Please insert your card")
        time.sleep(1.5)  # a few words in, as a listener pauses
        k.keys(".")
        k.wait_for(lambda: k.trace_events("speech-pause"), "speech paused")
        starts = len(k.spoken())
        time.sleep(1.0)
        self.assertEqual(len(k.spoken()), starts, "nothing said while paused")
        k.keys(".")
        k.wait_for(lambda: k.trace_events("speech-resume"), "speech resumed")
        k.wait_for(lambda: len(k.spoken()) > starts, "the rest said")
        # The rest, not the whole screen again from its first word.
        self.assertNotEqual(k.spoken()[-1], k.spoken()[starts - 1])

    def test_repeat_twice_says_the_last_sentence(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.keys("2")
        k.hears("Enter your PIN")
        k.keys("*")
        k.keys("*")
        k.wait_for(lambda: len(k.spoken()) >= 2 and
                   len(k.spoken()[-1]) < len(k.spoken()[-2]) / 2, "one sentence")
        screen = k.spoken()[-2]
        self.assertIn(k.spoken()[-1].strip(" ."), screen)

    def test_private_values_only_in_the_headset(self):
        k = self.k.start()
        # Speech through the loudspeaker (no headset): the SPEECH key.
        k.keys("F12")
        k.hears("请插入银行卡")
        k.insert(PAN)
        k.keys("1")
        k.hears("请输入密码")
        k.type("1357")
        k.keys("Enter")
        k.in_state("menu")
        k.keys("1")
        k.see("¥800.00")
        k.hears("账户余额")
        balance = [s for s in k.spoken() if "账户余额" in s][-1]
        self.assertNotIn("八百", balance)
        self.assertIn("请插入耳机收听", balance)
        # With a headset in, the same screen says the amount.
        k.device("headset-in")
        k.keys("*")
        k.wait_for(lambda: "八百元" in k.spoken()[-1], "the balance in the headset")


class HeadsetUnplugged(KioskTest):
    kiosk_args = {"idle": 10, "warning": 4, "pin": 10, "take": 10, "speech_percent": 200}

    def test_unplugged_mid_session_waits_and_says_so(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.keys("2")
        k.hears("Enter your PIN")
        k.device("headset-out")
        # Said once through the loudspeaker, shown, then speech goes off.
        k.see("The headset was unplugged")
        k.hears("The headset was unplugged")
        k.wait_for(lambda: k.trace_events("speech-mode")[-1:] == ["off"], "speech off")
        k.wait_for(lambda: k.trace_events("headset-lost"), "traced")
        with open(k.path("kiosk.log")) as f:
            self.assertIn("headset unplugged during a session", f.read())
        # Still waiting, with the listening timeout (pin 10 s x 2): a screen reader's
        # 10 s would have warned at 6 s and ended at 10 s.
        time.sleep(12)
        self.assertEqual(k.trace_events("timeout-warning"), [])
        self.assertEqual(k.state(), "pin")
        self.assertNotIn("eject-card", k.read_device())
        # Plugged back in: speech on again, the screen said again.
        k.device("headset-in")
        k.wait_for(lambda: "Enter your PIN" in k.spoken()[-1], "the screen said again")
        self.assertEqual(k.state(), "pin")


if __name__ == "__main__":
    unittest.main()
