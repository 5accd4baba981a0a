"""A sighted customer checks the balance and withdraws cash in English."""
import unittest

from kiosklib import KioskTest

PAN = "6222000000000017"


class WithdrawEnglish(KioskTest):
    def test_balance_then_withdraw_500(self):
        k = self.k.start()
        k.see("Please insert your card")
        k.see("请插入银行卡")
        k.insert(PAN)
        k.see("Choose a language")
        k.keys("2")
        k.see("Enter your PIN")
        k.type("1234")
        k.see("* * * *")
        k.keys("Enter")
        k.see("Main menu")
        k.see("Hello, Zhang Wei")
        k.keys("1")
        k.see("¥5,000.00")
        k.keys("Enter")
        k.see("Main menu")
        k.keys("2")
        k.see("Withdraw cash")
        k.keys("3")
        k.see("Amount: ¥500.00")
        k.keys("1")
        # The card comes back first; cash only once it is taken.
        k.asks("eject-card")
        k.see("Please take your card")
        self.assertEqual(k.holds("held"), 1)
        self.assertEqual(k.balance(PAN), 500000)
        k.device("card-take")
        self.assertEqual(k.asks("dispense"), "dispense 500")
        k.device("cash-take")
        k.see("Would you like a receipt?")
        k.keys("1")
        receipt = k.asks("print-receipt")
        self.assertIn("500.00", receipt)
        k.device("receipt-take")
        k.see("Please insert your card")
        self.assertEqual(k.balance(PAN), 450000)
        self.assertEqual(k.holds("held"), 0)
        self.assertEqual(k.holds("completed"), 1)
        self.assertNotIn("6222000000000017", receipt)
        self.assert_no_pin_leak("1234")


if __name__ == "__main__":
    unittest.main()
