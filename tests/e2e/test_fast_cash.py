"""Fast cash offers only what the card can take now, and the simple menu of large print
says how to reach the choices it leaves out."""
import unittest

from kiosklib import KioskTest

PAN = "6222000000000033"  # 王芳, ¥800
PAN_LARGE = "6222000000000025"  # 李秀英, prefers large print


def to_withdraw(k, pan, pin):
    k.sign_in(pan, pin)
    k.keys("2")
    k.in_state("withdraw")


class FastCash(KioskTest):
    def test_amounts_beyond_reach_are_not_offered(self):
        k = self.k.start()
        k.headset_in()
        to_withdraw(k, PAN, "1357")
        k.hears("Other amount, press 6")
        said = k.spoken()[-1]
        for amount in ("100 yuan, press 1", "200 yuan, press 2", "500 yuan, press 3"):
            self.assertIn(amount, said)
        self.assertNotIn("1000 yuan", said)
        self.assertNotIn("2000 yuan", said)
        k.see("¥500")
        k.not_see("¥1,000")
        k.not_see("¥2,000")
        # Pressed all the same (a sequence learnt by heart): it says why, and stays.
        k.keys("4")
        k.hears("Not enough money")
        self.assertEqual(k.state(), "withdraw")
        k.keys("3")
        k.in_state("confirm")


    def test_beyond_reach_in_the_simple_menu_says_why(self):
        k = self.k.start()
        k.headset_in()
        k.keys("F9")  # large print: the withdraw screen is a simple menu
        k.wait_for(lambda: k.trace_events("large-print"), "large print on")
        to_withdraw(k, PAN, "1357")
        k.hears("More choices, press 9")
        k.keys("5")  # ¥2,000: neither simple nor within reach
        k.hears("Not enough money")
        self.assertEqual(k.state(), "withdraw")


class SimpleMenu(KioskTest):
    def test_a_key_under_more_choices_says_how_to_reach_it(self):
        k = self.k.start()
        k.headset_in()
        to_withdraw(k, PAN_LARGE, "2580")
        k.hears("More choices, press 9")
        self.assertNotIn("200 yuan", k.spoken()[-1])
        k.keys("2")  # ¥200: not in the simple menu
        k.hears("That choice is under More choices: press 9")
        self.assertEqual(k.trace_events("note")[-1].split(" ")[0], "in_more_choices")
        self.assertEqual(k.state(), "withdraw")
        k.keys("9")
        k.wait_for(lambda: "200 yuan, press 2" in k.spoken()[-1], "all the choices")
        k.keys("2")
        k.in_state("confirm")


if __name__ == "__main__":
    unittest.main()
