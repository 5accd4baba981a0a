"""Private values (balances and what derives from them, names, card numbers) reach only
a headset: never the loudspeaker."""
import unittest

from kiosklib import KioskTest

PAN = "6222000000000003"  # 王芳, ¥800: the most she can take is her balance


def to_withdraw(k):
    k.insert(PAN)
    k.keys("2")  # English
    k.hears("Enter your PIN")
    k.type("1357")
    k.keys("Enter")
    k.in_state("menu")
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


if __name__ == "__main__":
    unittest.main()
