"""A card put in while the last visit is still ending is given straight back, shown and
said; the visit under way goes on."""
import unittest

from kiosklib import KioskTest

PAN = "6222000000000017"
OTHER = "6222000000000025"


def given_back(k, pan):
    """Puts a card in after the visit's own card came out: it comes straight back."""
    k.device("card-insert " + pan)
    k.wait_for(lambda: k.read_device().count("eject-card") == 2, "the card given back")
    k.see("Please take this card back")


class CardBack(KioskTest):
    def test_during_goodbye(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.keys("2")
        k.hears("Enter your PIN")
        k.keys("Escape")
        k.asks("eject-card")
        k.device("card-take")
        k.in_state("goodbye")
        given_back(k, OTHER)
        k.hears("Please take this card back")
        k.device("card-take")
        # The visit ends as it would have; the next card is served.
        k.in_state("welcome")
        k.insert(OTHER)
        k.in_state("language")

    def test_while_the_cash_is_out(self):
        k = self.k.start()
        k.sign_in(PAN, "1234")
        k.keys("2")
        k.in_state("withdraw")
        k.keys("1")
        k.in_state("confirm")
        k.keys("1")
        k.asks("eject-card")
        k.device("card-take")
        k.asks("dispense 100")
        k.in_state("take_cash")
        given_back(k, PAN)
        self.assertEqual(k.state(), "take_cash")
        k.device("card-take")
        k.device("cash-take")
        k.in_state("receipt")
        self.assertEqual(k.balance(PAN), 490000)


if __name__ == "__main__":
    unittest.main()
