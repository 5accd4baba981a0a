"""Card services a customer does alone: a new card activated with the PIN of its
letter and then a PIN of their own, by ear in English and in Chinese large print; a
lost card reported with another of the customer's cards, by its last four digits only
(said to a headset, never through the loudspeaker), and kept when it is next put in."""
import unittest

import test_large_print as lp
from kiosklib import KioskTest
from test_pin_change import key_said

NEW_CARD = ("6222000000000090", "9517")  # 陈静, awaiting activation, the letter's PIN
OWN = "3860"
ZHANG = ("6222000000000017", "1234")     # 张伟, whose second card ends 0108
SECOND = "6222000000000108"


class Activate(KioskTest):
    def own_pin(self, first, second=None):
        k = self.k
        k.in_state("activate")
        k.type(first)
        k.keys("Enter")
        k.in_state("activate_again")
        k.type(second or first)
        k.keys("Enter")

    def letter_pin(self, lang_key):
        """The new card in, the notice heard or read, the letter's PIN typed."""
        k = self.k
        k.insert(NEW_CARD[0])
        k.keys(lang_key)
        k.in_state("notice")
        k.keys("Enter")
        k.in_state("pin")
        k.type(NEW_CARD[1])
        k.keys("Enter")

    def next_visit(self, lang_key):
        """The letter's PIN no longer opens the card; the customer's own does."""
        k = self.k
        k.keys("Escape")
        k.device("card-take")
        k.in_state("welcome")
        k.insert(NEW_CARD[0])
        k.keys(lang_key)
        k.in_state("pin")
        k.type(NEW_CARD[1])
        k.keys("Enter")
        wrong = "Wrong PIN" if lang_key == "2" else "密码错误"
        k.wait_for(lambda: wrong in k.trace_events("screen")[-1], "the PIN refused")
        k.type(OWN)
        k.keys("Enter")
        k.in_state("menu")
        self.assertEqual(k.db("SELECT count(*) FROM card_activations"), [(0,)])
        activated = [e for e, f in k.journal() if e == "card-activated"]
        self.assertEqual(activated, ["card-activated"])
        for pin in (NEW_CARD[1], OWN, "1111", "2345"):
            self.assert_no_pin_leak(pin)

    def test_by_ear_in_english(self):
        k = self.k.start()
        k.headset_in()
        self.letter_pin("2")
        k.hears("This card is new and must be activated first")
        k.hears("Choose your own PIN")
        # Nothing but its own PIN before the card is activated: CANCEL would end here.
        self.own_pin("1111")
        k.hears("A new PIN cannot be one digit repeated")
        self.own_pin(NEW_CARD[1])
        k.hears("The new PIN cannot be the same as your old PIN")
        self.own_pin(OWN, "3861")
        k.hears("The two new PINs were not the same")
        self.own_pin(OWN)
        k.hears("Your card is activated")
        k.in_state("menu")
        self.next_visit("2")

    def test_in_chinese_large_print(self):
        k = self.k.start()
        k.keys("F9")
        self.letter_pin("1")
        k.in_state("activate")
        k.wait_for(lambda: "设置您的密码" in k.trace_events("screen")[-1] and
                   lp.has_blocks(k), "the title in large print")
        self.own_pin("2345")
        k.wait_for(lambda: "连续的数字" in k.trace_events("screen")[-1] and
                   lp.has_blocks(k), "the refusal in large print")
        self.own_pin(OWN)
        k.in_state("menu")
        k.wait_for(lambda: "新卡已启用" in k.trace_events("screen")[-1],
                   "activated, in large print")
        self.next_visit("1")


class ReportLost(KioskTest):
    def kept_next_time(self, changed_settings=False):
        k = self.k
        k.keys("Escape")
        k.device("card-take")
        if changed_settings:
            # Large print was switched on: the kiosk asks once whether to remember it.
            k.in_state("profile")
            k.keys("2")
        k.in_state("welcome")
        k.insert(SECOND)
        k.keys("2")
        k.in_state("notice")
        k.keys("Enter")
        k.asks("retain-card")

    def test_by_ear_with_a_headset(self):
        k = self.k.start()
        k.headset_in()
        k.sign_in(*ZHANG)
        menu = [s for s in k.spoken() if "Main menu" in s][-1]
        k.keys(key_said(menu, "Lost card"))
        k.in_state("card_lost")
        # The last four digits, to the headset alone; never the whole number.
        k.hears("card ending zero one zero eight")
        k.see("**** 0108")
        self.assertNotIn(SECOND, k.screen())
        k.keys("1")
        k.in_state("card_lost_confirm")
        k.hears("Report card ending zero one zero eight as lost?")
        k.keys("2")
        k.in_state("card_lost")
        self.assertEqual(k.db("SELECT status FROM cards WHERE pan = ?", SECOND),
                         [("active",)])
        k.keys("1")
        k.in_state("card_lost_confirm")
        k.keys("1")
        k.hears("is reported lost and can no longer be used")
        k.in_state("menu")
        self.assertEqual(k.db("SELECT status FROM cards WHERE pan = ?", SECOND), [("lost",)])
        self.assertEqual(k.db("SELECT reported_with FROM card_losses WHERE pan = ?", SECOND),
                         [(ZHANG[0],)])
        reported = [{n: v for n, v in f.items() if n not in ("prev", "hash")}
                    for e, f in k.journal() if e == "card-reported-lost"]
        self.assertEqual(reported, [{"last4": "0108"}])
        # Nothing left to report: said, and back to the menu.
        k.keys(key_said(menu, "Lost card"))
        k.hears("You have no other card that can be reported lost")
        k.in_state("menu")
        with open(k.path("bankd.log"), errors="replace") as f:
            self.assertNotIn(SECOND, f.read())
        self.kept_next_time()

    def test_large_print_through_the_loudspeaker(self):
        k = self.k.start()
        k.sign_in(*ZHANG, lang_key="1")
        k.keys("F9")
        k.wait_for(lambda: lp.has_blocks(k), "large print")
        k.keys("6")
        k.in_state("card_lost")
        k.wait_for(lambda: lp.shows_big(k, "挂失银行卡"), "the title drawn big")
        k.wait_for(lambda: "0108" in k.trace_events("screen")[-1], "the card shown")
        k.keys("1")
        k.in_state("card_lost_confirm")
        k.keys("1")
        k.in_state("menu")
        k.wait_for(lambda: "已挂失" in k.trace_events("screen")[-1], "reported, shown")
        # Without a headset no digit of the card is said.
        for said in k.spoken():
            self.assertNotIn("零一零八", said)
            self.assertNotIn("0108", said)
        self.assertEqual(k.db("SELECT status FROM cards WHERE pan = ?", SECOND), [("lost",)])
        self.kept_next_time(changed_settings=True)


if __name__ == "__main__":
    unittest.main()
