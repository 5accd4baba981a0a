"""Private values (balances and what derives from them, names, card numbers) reach only
a headset: never the loudspeaker, whether speech went there by the SPEECH key or stayed
on after the headset was pulled out."""
import unittest

from kiosklib import KioskTest

PAN = "6222000000000033"  # 王芳, ¥800: the most she can take is her balance


def to_withdraw(k):
    k.sign_in(PAN, "1357")
    k.keys("2")
    k.in_state("withdraw")


class Loudspeaker(KioskTest):
    def test_the_limit_from_the_balance_is_not_said(self):
        k = self.k.start()
        k.keys("F12")  # speech through the loudspeaker, no headset
        k.hears("Please insert your card")
        to_withdraw(k)
        # Shown to the customer in front of the screen...
        k.see("You can take up to ¥800.00")
        # ...but not said to whoever stands nearby.
        k.hears("You can take up to")
        said = [s for s in k.spoken() if "You can take up to" in s][-1]
        self.assertNotIn("800", said)
        self.assertIn("not said aloud", said)
        # Nor do the amounts offered tell it: none is left out aloud.
        self.assertIn("2000 yuan, press 5", said)
        k.see("¥2,000")
        # A refusal that names what is available keeps it private too.
        k.keys("6")
        k.in_state("other_amount")
        k.type("900")
        k.keys("Enter")
        k.hears("Not enough money")
        said = [s for s in k.spoken() if "Not enough money" in s][-1]
        self.assertNotIn("800", said)
        self.assertIn("not said aloud", said)
        for s in k.spoken():
            self.assertNotIn("800 yuan", s)


class HeadsetPulled(KioskTest):
    def test_a_key_after_the_headset_is_pulled_says_nothing_private(self):
        k = self.k.start()
        k.headset_in()
        to_withdraw(k)
        k.hears("You can take up to 800 yuan")
        pulled = len(k.spoken())
        k.device("headset-out")
        k.see("press ENTER to go on without speech")
        k.hears("The headset was unplugged")
        k.wait_for(lambda: k.trace_events("speech-mode")[-1:] == ["off"], "speech off")
        # A key: the session still waits, and says again how to go on, nothing else.
        said = len(k.spoken())
        k.keys("2")
        k.wait_for(lambda: len(k.spoken()) > said, "how to go on said again")
        self.assertIn("The headset was unplugged", k.spoken()[-1])
        self.assertEqual(k.state(), "withdraw")
        k.see("press ENTER to go on without speech")
        # ENTER: on by the screen alone, said once.
        k.keys("Enter")
        k.see("Speech is off")
        k.hears("Speech is off")
        said = len(k.spoken())
        screens = len(k.trace_events("screen"))
        k.keys("2")
        k.in_state("confirm")
        k.see("¥200.00")
        # Speech starts before a screen is drawn: once it is drawn, nothing was said.
        k.wait_for(lambda: len(k.trace_events("screen")) > screens, "confirm drawn")
        self.assertEqual(len(k.spoken()), said, k.spoken()[said:])
        for s in k.spoken()[pulled:]:
            self.assertNotIn("800", s)
        # The headset back: speech on, the screen said with what it holds.
        k.device("headset-in")
        k.hears("200 yuan")
        self.assertEqual(k.state(), "confirm")

    def test_waits_for_the_headset_without_a_timeout(self):
        k = self.k.start()
        k.headset_in()
        to_withdraw(k)
        k.device("headset-out")
        k.hears("The headset was unplugged")
        # Back in: the waiting ends and the screen is said again, with its limit.
        k.device("headset-in")
        k.wait_for(lambda: "You can take up to 800 yuan" in k.spoken()[-1],
                   "the screen said again")
        k.not_see("The headset was unplugged")
        self.assertEqual(k.state(), "withdraw")
        self.assertEqual(k.trace_events("headset-wait-end")[-1:], ["headset-in"])

    def test_speech_key_goes_on_through_the_loudspeaker_keeping_the_limit(self):
        k = self.k.start()
        k.headset_in()
        to_withdraw(k)
        k.device("headset-out")
        k.hears("The headset was unplugged")
        k.keys("F12")  # chosen after the warning: speech through the loudspeaker
        k.wait_for(lambda: k.trace_events("speech-mode")[-1:] == ["on"], "speech on")
        k.hears("not said aloud")
        said = k.spoken()[-1]
        self.assertIn("You can take up to", said)
        self.assertNotIn("800", said)
        self.assertEqual(k.trace_events("headset-wait-end")[-1:], ["SPEECH"])


if __name__ == "__main__":
    unittest.main()
