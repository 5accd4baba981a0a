"""Three wrong PINs: the bank locks the card and the customer is told what to do."""
import unittest

from kiosklib import KioskTest

PAN = "6222000000000017"


class PinLock(KioskTest):
    def test_three_wrong_pins_lock_the_card(self):
        k = self.k.start()
        k.insert(PAN)
        k.see("Choose a language")
        k.keys("2")
        for tries_left in (2, 1):
            k.see("Enter your PIN")
            k.type("9999")
            k.keys("Enter")
            k.see("%d" % tries_left)
        k.type("9999")
        k.keys("Enter")
        # The card stays in, so that a member of staff could unlock it here.
        k.in_state("unlock")
        k.see("Too many wrong PINs, so this card is now locked.")
        self.assertEqual(k.card_status(PAN), "locked")
        self.assertNotIn("eject-card", k.read_device())
        k.keys("Escape")
        k.asks("eject-card")
        k.see("Please take your card")
        k.device("card-take")
        k.see("Please insert your card")
        # The lock holds for the next try too.
        k.insert(PAN)
        k.keys("2")
        k.in_state("unlock")
        k.keys("Escape")
        k.wait_for(lambda: k.read_device().count("eject-card") == 2, "a second eject")
        self.assertEqual(k.balance(PAN), 500000)
        self.assert_no_pin_leak("9999")

    def test_locked_and_lost_cards(self):
        k = self.k.start()
        k.insert("6222000000000041")
        k.keys("2")
        k.in_state("unlock")
        k.keys("Escape")
        k.asks("eject-card")
        k.device("card-take")
        k.see("Please insert your card")
        k.insert("6222000000000058")
        k.keys("2")
        # A lost card is kept, once the customer has been told.
        k.in_state("notice")
        k.keys("Enter")
        k.asks("retain-card")


class TypeAhead(KioskTest):
    def test_digits_typed_during_the_pin_check_are_not_menu_choices(self):
        k = self.k.start()
        k.insert("6222000000000017")
        k.keys("2")
        k.in_state("pin")
        k.type("1234")
        # Enter and four more digits at once, as an impatient customer might.
        k.keys_at_once("Enter", "1", "2", "3", "4")
        k.in_state("menu")
        k.wait_for(lambda: len(k.trace_events("key-dropped")) == 4, "the digits dropped")
        self.assertEqual(k.state(), "menu")
        self.assertEqual([r for r in k.trace_events("key") if "state=menu" in r], [])
        self.assert_no_pin_leak("1234")


if __name__ == "__main__":
    unittest.main()
