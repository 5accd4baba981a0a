"""CANCEL in the middle of a withdrawal returns the card and moves no money."""
import unittest

from kiosklib import KioskTest

PAN = "6222000000000025"  # prefers large print


class CancelWithdrawal(KioskTest):
    def test_cancel_at_confirmation(self):
        k = self.k.start()
        k.insert(PAN)
        # Normal print, to read the screens as text.
        k.wait_for(lambda: k.trace_events("large-print"), "large print from the card")
        k.keys("F9")
        k.keys("1")
        k.see("请输入密码")
        k.type("2580")
        k.keys("Enter")
        k.see("主菜单")
        k.keys("2")
        k.keys("4")
        k.see("请确认取款")
        k.see("¥1,000.00")
        k.keys("Escape")
        k.asks("eject-card")
        k.see("请取回银行卡")
        k.device("card-take")
        # Large print switched off: whether to remember that for the card, asked once.
        k.in_state("profile")
        k.keys("2")
        k.see("请插入银行卡")
        self.assertEqual(k.balance(PAN), 1234560)
        self.assertEqual(k.holds("held"), 0)
        self.assertEqual(k.holds("completed"), 0)
        self.assertFalse(any(l.startswith("dispense") for l in k.read_device()))


class CancelFromEveryState(KioskTest):
    def test_cancel_everywhere(self):
        """From every screen that holds the card, CANCEL gives it back."""
        k = self.k.start()
        paths = [([], "language"), (["2"], "pin"), (["2", "PIN"], "menu"),
                 (["2", "PIN", "1"], "balance"), (["2", "PIN", "2"], "withdraw"),
                 # Large print's simple menu: "more choices" (9) for other amounts.
                 (["2", "PIN", "2", "9", "6"], "other_amount"),
                 (["2", "PIN", "2", "1"], "confirm")]
        for n, (path, state) in enumerate(paths):
            k.insert(PAN)
            k.in_state("language")
            for step in path:
                if step == "PIN":
                    # Digits typed while the PIN is checked are never menu choices:
                    # wait for the menu as a customer would.
                    k.type("2580")
                    k.keys("Enter")
                    k.in_state("menu")
                    continue
                k.keys(step)
            k.in_state(state)
            k.keys("Escape")
            k.wait_for(lambda: k.read_device().count("eject-card") == n + 1,
                       "eject after CANCEL on the %s screen" % state)
            k.in_state("take_card")
            k.device("card-take")
            k.in_state("welcome", timeout=20)
        self.assertEqual(k.balance(PAN), 1234560)
        self.assertEqual(k.holds("held"), 0)


if __name__ == "__main__":
    unittest.main()
