"""The accessibility profile a customer has remembered for a card: offered before the
goodbye when they changed a setting, applied as soon as that card is read again and to
no other card, forgotten from help; a card that prefers speech asks for the headset."""
import unittest

from kiosklib import KioskTest

PAN = "6222000000000017"      # 张伟: no preferences of its own
PIN = "1234"
OTHER = "6222000000000033"    # 王芳: prefers speech
OTHER_PIN = "1357"


def large_print_events(k):
    return k.trace_events("large-print")


def leave(k):
    """CANCEL, the card taken: the visit ends as a customer ends it."""
    k.keys("Escape")
    k.in_state("take_card")
    k.device("card-take")


def goodbye_to_welcome(k):
    k.in_state("goodbye")
    k.in_state("welcome")


def starts_in_defaults(test, k, pan):
    """The card read: normal print, the language screen readable as text."""
    before = len(large_print_events(k))
    k.insert(pan)
    k.see("Choose a language")
    test.assertEqual(len(large_print_events(k)), before)


class Remembered(KioskTest):
    kiosk_args = {"cols": 132, "rows": 43}  # text sizes 1 and 2 fit

    def test_remembered_then_forgotten(self):
        k = self.k.start()
        k.sign_in(PAN, PIN)
        # Large print and the bigger text size.
        k.keys("F9")
        k.wait_for(lambda: large_print_events(k), "large print on")
        k.keys("F10")
        k.wait_for(lambda: "2" in k.trace_events("text-size"), "text size 2")
        leave(k)
        # Asked once, before the goodbye, on a screen of its own.
        k.in_state("profile")
        self.assertIn("profile", k.trace_events("screen")[-1])
        k.keys("1")
        k.wait_for(lambda: "ok" in k.trace_events("profile-save"), "the profile saved")
        goodbye_to_welcome(k)
        self.assertEqual(k.db("SELECT large_print FROM cards WHERE pan = ?", PAN), [(1,)])
        self.assertEqual(k.db("SELECT text_size FROM card_profiles WHERE pan = ?", PAN),
                         [(2,)])

        # Another card starts from the defaults.
        starts_in_defaults(self, k, OTHER)
        k.keys("Escape")
        k.in_state("take_card")
        k.device("card-take")
        goodbye_to_welcome(k)

        # The same card again: large print at that size as soon as it is read.
        before = len(large_print_events(k))
        k.insert(PAN)
        k.wait_for(lambda: len(large_print_events(k)) > before, "large print from the card")
        self.assertTrue(large_print_events(k)[-1].startswith("on size=2"),
                        large_print_events(k)[-1])
        self.assertNotIn("Choose a language", k.screen())

        # Forgotten from help: said and shown as done, and not asked again.
        k.keys("2")
        k.in_state("pin")
        k.type(PIN)
        k.keys("Enter")
        k.in_state("menu")
        k.keys("/")
        k.wait_for(lambda: k.trace_events("overlay")[-1].startswith("help"), "help")
        k.keys("8")
        k.wait_for(lambda: "ok" in k.trace_events("profile-forget"), "the profile forgotten")
        k.see("Your settings are forgotten")
        k.keys("Escape")
        leave(k)
        goodbye_to_welcome(k)
        self.assertNotIn("profile", [s.split(" ")[0] for s in k.trace_events("state")[-4:]])
        self.assertEqual(k.db("SELECT count(*) FROM card_profiles WHERE pan = ?", PAN),
                         [(0,)])

        # Next visit: the defaults.
        starts_in_defaults(self, k, PAN)


class HeadsetAsked(KioskTest):
    def test_speech_preference_without_headset(self):
        k = self.k.start()
        k.insert(OTHER)
        k.keys("2")
        # Shown on the next prompt, in the language chosen, and said through the
        # loudspeaker: it names nothing private.
        k.in_state("pin")
        k.see("please plug in your headset")
        k.hears("please plug in your headset")
        self.assertEqual(len(k.trace_events("profile-headset")), 1)


if __name__ == "__main__":
    unittest.main()
