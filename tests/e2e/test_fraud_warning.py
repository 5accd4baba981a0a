"""A customer the bank flags for fraud protection (李秀英, 78) takes out ¥2,000: the
anti-fraud warning comes between the amount and the confirmation, by ear in Chinese and
in large print in English. The cooling-off is seen and heard counting down, going on is
refused during it, the second confirmation is its own key (3, not the confirmation's 1),
and calling staff brings a person to the customer, the money waiting: cancelled, the
warning comes back, and CANCEL ends the visit with no money moved."""
import re
import unittest

import kiosklib
from kiosklib import CONFIG, KioskTest
from test_large_print import shows_big, to_menu

PAN = "6222000000000025"  # to_menu's card: flagged by the bank; prefers large print
PIN = "2580"
BALANCE = 1234560
COOLING = 10


def fraud_config():
    return CONFIG.format(src=kiosklib.SRC, idle=60, warning=20, pin=90, take=30,
                         speech_percent=100) + "fraud:\n  cooling_off: %d\n" % COOLING


def cooling_left(k):
    """The seconds left as the kiosk last counted them."""
    counts = k.trace_events("fraud-cooling")
    return int(counts[-1].split("=")[1]) if counts else None


def shown(k):
    """The model's text as last drawn (large print draws it in big glyphs)."""
    return k.trace_events("screen")[-1]


class FraudWarning(KioskTest):
    kiosk_args = {"config_text": fraud_config()}

    def cash_2000(self):
        """Withdraw, all the amounts (large print's simple menu hides ¥2,000), ¥2,000."""
        k = self.k
        k.keys("2")
        k.in_state("withdraw")
        k.keys("9")
        k.wait_for(lambda: k.trace_events("simple-more"), "all the amounts")
        k.keys("5")
        k.in_state("fraud_warning")

    def refused(self, key):
        """key during the cooling-off: still the warning, and a refusal noted."""
        k = self.k
        before = len(k.trace_events("fraud-refused"))
        k.keys(key)
        k.wait_for(lambda: len(k.trace_events("fraud-refused")) > before, "a refusal")
        self.assertEqual(k.state(), "fraud_warning")
        self.assertGreater(cooling_left(k), 0)

    def over(self):
        self.k.wait_for(lambda: cooling_left(self.k) == 0, "the cooling-off to end",
                        COOLING + 5)

    def test_zh_by_ear(self):
        k = self.k.start()
        k.headset_in()
        to_menu(k, "1")
        self.cash_2000()
        # The warning, and the time left at its start, said in plain words.
        k.hears("谨防诈骗")
        said = next(s for s in k.spoken() if "谨防诈骗" in s)
        self.assertRegex(said, "谨防诈骗.*请等待十秒.*安全账户.*电话里有人让您转账或取钱")
        self.assertIn("呼叫工作人员，请按2", said)
        # Seen too: the count on the screen, as the kiosk counts it.
        k.wait_for(lambda: "请等待%d秒" % cooling_left(k) in shown(k), "the count shown")
        # Neither ENTER nor 3 goes on yet; each says how long is left.
        heard = len(k.spoken())
        self.refused("3")
        k.wait_for(lambda: any(re.search("请等待.秒", s) for s in k.spoken()[heard:]),
                   "the time left said")
        self.refused("Enter")
        # Every 5 seconds the count, and the end, once the listener is free.
        k.hears("请等待五秒")
        self.over()
        k.hears("现在可以按三继续")
        k.keys("3")
        k.in_state("confirm")
        k.hears("请确认取款")
        # Back to the amount, and again: this time the customer asks staff.
        k.keys("2")
        k.in_state("withdraw")
        k.keys("9")
        k.keys("5")
        k.in_state("fraud_warning")
        k.keys("2")
        k.asks("call-staff fraud_warning")
        k.in_state("staff_called")
        k.hears("工作人员已收到呼叫，正在赶来")
        k.keys("1")
        k.asks("call-staff-cancel")
        k.in_state("fraud_warning")
        k.keys("Escape")
        k.asks("eject-card")
        k.in_state("take_card")
        k.device("card-take")
        k.in_state("goodbye")
        self.assertEqual(k.balance(PAN), BALANCE)
        events = [e for e, _ in k.journal()]
        self.assertIn("fraud-warning", events)
        self.assertIn("fraud-go-on", events)
        self.assertIn("fraud-staff", events)
        self.assertNotIn("authorized", events)
        self.assertIn("staff-call", events)
        self.assert_no_pin_leak(PIN)

    def test_en_large_print(self):
        k = self.k.start()
        to_menu(k, "2")
        self.cash_2000()
        k.wait_for(lambda: shows_big(k, "Beware of"), "the warning drawn big")
        # The count is on the next page, counting down.
        k.keys("0")
        k.wait_for(lambda: shows_big(k, "Please wait:"), "the time left drawn big")
        first = cooling_left(k)
        k.wait_for(lambda: cooling_left(k) < first, "the count going down")
        k.wait_for(lambda: "Please wait: %d s" % cooling_left(k) in shown(k),
                   "the count shown")
        # The confirmation's own key goes back here; ENTER and 3 are refused.
        self.refused("Enter")
        k.wait_for(lambda: shows_big(k, "Please wait:"), "the refusal drawn big")
        self.refused("3")
        self.over()
        k.wait_for(lambda: "You may go on now: press 3" in shown(k), "the end shown")
        k.keys("1")
        k.in_state("withdraw")
        k.keys("9")
        k.keys("5")
        k.in_state("fraud_warning")
        self.refused("3")
        self.over()
        # The second confirmation on its own key, then the usual one: the cash comes.
        k.keys("3")
        k.in_state("confirm")
        k.keys("1")
        k.asks("eject-card")
        k.device("card-take")
        k.asks("dispense 2000")
        k.device("cash-take")
        k.in_state("receipt")
        k.keys("2")
        k.in_state("goodbye")
        self.assertEqual(k.balance(PAN), BALANCE - 200000)
        k.in_state("welcome", 15)
        # The next visit calls staff: shown big, and nothing moves while they come.
        to_menu(k, "2")
        self.cash_2000()
        k.keys("2")
        k.asks("call-staff fraud_warning")
        k.in_state("staff_called")
        k.wait_for(lambda: "is on the way" in shown(k), "the call, shown")
        k.wait_for(lambda: shows_big(k, "Staff"), "drawn big")
        k.keys("Escape")
        k.asks("eject-card")
        k.in_state("take_card")
        k.device("card-take")
        k.in_state("goodbye")
        self.assertEqual(k.balance(PAN), BALANCE - 200000)


if __name__ == "__main__":
    unittest.main()
