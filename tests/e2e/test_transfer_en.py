"""An elderly customer transfers money in English in large print: between their own
accounts, to a card they type (a wrong number, one the bank does not know, then a good
one), and past what they may transfer; the bank's balances afterwards."""
import sqlite3
import unittest

import kiosklib
from kiosklib import CONFIG, KioskTest, field
from test_fraud_warning import cooling_left
from test_large_print import shows_big

PAN = "6222000000000017"     # 张伟: ¥5,000 current, ¥20,000 savings
PIN = "1234"
WANG = "6222000000000033"    # 王芳, a card of this bank
NOT_A_CARD = "6222000000000018"  # fails the Luhn check
UNKNOWN = "6222000000000066"     # passes it, but no card of the bank has it


def shown(k, text):
    """text is on the screen as the model has it (large print draws it in glyphs)."""
    return k.wait_for(lambda: any(text in (field(r, "show") or "")
                                  for r in k.trace_events("screen")[-1:]),
                      "screen text %r" % text)


def requests(k, kind):
    return [f for e, f in k.journal() if e == "request" and f.get("type") == kind]


def short_cooling_config():
    """The shortest cooling-off the kiosk allows, so that tests wait it out quickly."""
    return CONFIG.format(src=kiosklib.SRC, idle=60, warning=20, pin=90, take=30,
                         speech_percent=100) + "fraud:\n  cooling_off: 5\n"


class TransferLargePrint(KioskTest):
    kiosk_args = {"config_text": short_cooling_config()}

    def to_transfer(self):
        k = self.k.start()
        k.sign_in(PAN, PIN)
        k.keys("F9")
        k.wait_for(lambda: k.trace_events("large-print"), "large print on")
        shown(k, "Transfer")
        k.keys("3")
        k.in_state("transfer")
        shown(k, "Today you can still send others ¥50,000.00")
        return k

    def goodbye(self):
        """Large print was switched on: not to be remembered for the card."""
        self.k.in_state("profile")
        self.k.keys("2")
        self.k.in_state("goodbye")

    def next_visit(self):
        """CANCEL, the card taken back, and the same customer at the transfer screen
        again."""
        k = self.k
        k.keys("Escape")
        k.asks("eject-card")
        k.device("card-take")
        self.goodbye()
        k.in_state("welcome", timeout=20)
        k.sign_in(PAN, PIN)
        k.keys("3")
        k.in_state("transfer")

    def test_own_accounts_with_a_receipt(self):
        k = self.to_transfer()
        total = k.bank_total()
        k.keys("1")
        k.in_state("transfer_amount")
        shown(k, "From your current account to your savings account")
        shown(k, "Available: ¥5,000.00")
        k.type("1000")
        shown(k, "¥1,000.00")
        k.keys("Enter")
        k.in_state("transfer_confirm")
        shown(k, "Amount: ¥1,000.00")
        k.wait_for(lambda: shows_big(k, "Confirm"), "the title drawn big")
        k.keys("1")
        # The card comes back with what was done, then the receipt, as after cash.
        k.asks("eject-card")
        k.in_state("take_card")
        shown(k, "Transfer made: ¥1,000.00 went from your current account")
        shown(k, "to your savings account.")
        shown(k, "Now available in that account: ¥4,000.00")
        k.device("card-take")
        k.in_state("receipt")
        k.keys("1")
        receipt = k.asks("print-receipt")
        self.assertIn("Transfer", receipt)
        self.assertIn("From: your current account", receipt)
        self.assertIn("To: your savings account", receipt)
        self.assertIn("Amount: ¥1,000.00", receipt)
        self.assertIn("Available: ¥4,000.00", receipt)
        k.in_state("take_receipt")
        shown(k, "To: your savings account")
        k.device("receipt-take")
        self.goodbye()
        self.assertEqual(k.account(PAN), 400000)
        self.assertEqual(k.account(PAN, "savings"), 2100000)
        self.assertEqual(k.bank_total(), total)
        # The journal: the TRANSFER with its txid, and its result under the same one.
        sent = requests(k, "TRANSFER")
        self.assertEqual(len(sent), 1)
        confirmed = [f for e, f in k.journal() if e == "transfer-confirmed"]
        self.assertEqual([(f["from"], f["to"], f["amount"]) for f in confirmed],
                         [("current", "savings", "100000")])
        results = [f for e, f in k.journal() if e == "transfer-result"]
        self.assertEqual([(f["txid"], f["status"]) for f in results],
                         [(sent[0]["txid"], "approved")])

    def test_typed_card(self):
        k = self.to_transfer()
        k.keys("4")
        k.in_state("transfer_card")
        k.type(NOT_A_CARD)
        shown(k, "6222 0000 0000 0018")
        k.keys("Enter")
        shown(k, "That card number cannot be right")
        # Never sent to the bank.
        self.assertEqual(requests(k, "PAYEE_LOOKUP"), [])
        k.type(UNKNOWN)
        k.keys("Enter")
        shown(k, "No card of this bank has that number")
        self.assertEqual(len(requests(k, "PAYEE_LOOKUP")), 1)
        k.type(WANG[:12])
        k.keys("Enter")
        shown(k, "That card number is too short")
        k.type(WANG[12:])
        shown(k, "6222 0000 0000 0033")
        k.keys("Enter")
        k.in_state("transfer_amount")
        shown(k, "**** 0033")
        k.type("200")
        k.keys("Enter")
        self.through_fraud_warning()
        k.in_state("transfer_confirm")
        shown(k, "Amount: ¥200.00")
        k.keys("1")
        k.asks("eject-card")
        shown(k, "Transfer made: ¥200.00")
        k.device("card-take")
        k.in_state("receipt")
        k.keys("2")
        self.goodbye()
        self.assertEqual(k.account(PAN), 480000)
        self.assertEqual(k.account(WANG), 100000)

    def through_fraud_warning(self):
        """A payee never paid before: the anti-fraud warning, waited out, then go on."""
        k = self.k
        k.in_state("fraud_warning")
        shown(k, "Beware of scams")
        k.wait_for(lambda: cooling_left(k) == 0, "the cooling-off to end", 15)
        k.keys("3")

    def test_the_bank_refuses_what_changed_meanwhile(self):
        k = self.to_transfer()
        k.keys("1")
        k.type("1000")
        k.keys("Enter")
        k.in_state("transfer_confirm")
        # Money leaves the account elsewhere while the customer reads the confirmation.
        con = sqlite3.connect(k.path("bank.db"))
        with con:
            con.execute("UPDATE accounts SET balance_fen = 50000 WHERE kind = 'current' "
                        "AND id = (SELECT account_id FROM cards WHERE pan = ?)", (PAN,))
        con.close()
        k.keys("1")
        # The bank's answer, with what the account holds now, and back to the amount.
        k.in_state("transfer_amount")
        shown(k, "Not enough money: ¥500.00 is available in that account")
        results = [f.get("status") for e, f in k.journal() if e == "transfer-result"]
        self.assertEqual(results, ["insufficient-funds"])
        self.assertEqual(k.account(PAN, "savings"), 2000000)

    def test_large_amount_alert(self):
        k = self.to_transfer()
        k.keys("2")
        k.type("6000")
        k.keys("Enter")
        # ¥5,000 or more: checked once more before the confirmation, even between one's
        # own accounts; changing it goes back to the amount.
        k.in_state("fraud_large")
        shown(k, "Amount: ¥6,000.00")
        k.keys("2")
        k.in_state("transfer_amount")
        k.type("6000")
        k.keys("Enter")
        k.in_state("fraud_large")
        k.keys("1")
        k.in_state("transfer_confirm")
        shown(k, "From your savings account to your current account")
        k.keys("1")
        k.asks("eject-card")
        shown(k, "Transfer made: ¥6,000.00")
        self.assertEqual(k.account(PAN), 1100000)
        self.assertEqual(k.account(PAN, "savings"), 1400000)

    def test_over_the_limit(self):
        k = self.to_transfer()
        # Between one's own accounts no limit applies, only what the account holds.
        k.keys("2")
        k.in_state("transfer_amount")
        shown(k, "From your savings account to your current account")
        k.type("20001")
        k.keys("Enter")
        shown(k, "Not enough money: ¥20,000.00 is available in that account")
        self.next_visit()
        # To someone else, today's limit is said first, as the bank checks it first.
        k.keys("4")
        k.type(WANG)
        k.keys("Enter")
        k.in_state("transfer_amount")
        k.type("60000")
        k.keys("Enter")
        shown(k, "That is over today's transfer limit")
        shown(k, "You can send others ¥50,000.00 more today")
        self.assertEqual(requests(k, "TRANSFER"), [])

    def test_not_enough_money_and_the_same_account(self):
        k = self.to_transfer()
        total = k.bank_total()
        k.keys("1")
        k.type("6000")
        k.keys("Enter")
        shown(k, "Not enough money: ¥5,000.00 is available in that account")
        k.in_state("transfer_amount")
        self.next_visit()
        k.keys("4")
        k.type(PAN)
        k.keys("Enter")
        shown(k, "That is your own card")
        self.assertEqual(requests(k, "PAYEE_LOOKUP"), [])
        self.assertEqual(requests(k, "TRANSFER"), [])
        self.assertEqual(k.account(PAN), 500000)
        self.assertEqual(k.bank_total(), total)


class TransferLoudspeaker(KioskTest):
    """Speech through the loudspeaker (SPEECH, no headset): the screen shows what the
    customer may transfer, payees and the card typed; bystanders hear none of it."""
    kiosk_args = {"config_text": short_cooling_config()}

    def test_private_values_are_not_said(self):
        k = self.k.start()
        k.keys("F12")
        k.hears("Please insert your card")
        k.sign_in(PAN, PIN)
        k.keys("3")
        k.in_state("transfer")
        k.see("Today you can still send others ¥50,000.00")
        said = k.wait_for(lambda: next((s for s in reversed(k.spoken())
                                        if "Today you can still send others" in s), None),
                          "the transfer screen said")
        self.assertNotIn("50,000", said)
        self.assertIn("not said aloud", said)
        k.keys("3")
        k.see("李*英, **** 0025")
        k.hears("Payee 1 of 2")
        said = next(s for s in reversed(k.spoken()) if "Payee 1 of 2" in s)
        self.assertNotIn("zero zero two five", said)
        self.assertIn("not said aloud", said)
        k.keys("3")
        k.in_state("transfer")
        k.keys("4")
        k.in_state("transfer_card")
        k.type("62220000")
        k.see("6222 0000")
        k.hears("8 digits entered")
        for s in k.spoken():
            self.assertNotIn("six two two two", s)
            self.assertNotIn("5,000", s)


if __name__ == "__main__":
    unittest.main()
