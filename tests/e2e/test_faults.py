"""Money moves exactly once: the kiosk or the adapter dies (kill -9, or a test hook that
exits as if killed) at each step of a ¥500 withdrawal; after a restart the held funds
are settled from the kiosk's journal, and the ledger shows the withdrawal debited once
if the dispenser was asked to pay it out, and not at all if it was not.

A crashed kiosk is restarted together with the adapter. A crashed adapter is restarted
alone: the kiosk, still running, tells the customer what happened, reconnects by itself
and settles the hold then.

The test hooks: KIOSK_FAULT=auth-sent|complete-sent in the kiosk's environment,
KIOSK_FAULT=auth-received|auth-committed|complete-committed in the adapter's."""
import subprocess
import unittest

from kiosklib import Kiosk, KioskTest

PAN = "6222000000000017"
OPENING = 500000
AMOUNT = 50000


def closed_txids(journal):
    """Withdrawals the journal shows as finished: completed, reversed, refused or
    settled (as the kiosk's recovery reads it, written out independently here)."""
    done = set()
    for event, f in journal:
        if event in ("completed", "reversed"):
            done.add(f.get("txid"))
        elif event == "settled" and f.get("result") != "error":
            done.add(f.get("txid"))
        elif (event == "response" and f.get("type") == "WITHDRAW_RESULT"
              and f.get("status") != "approved"):
            done.add(f.get("txid"))
    return done


def open_txids(journal):
    started = {f["txid"] for event, f in journal
               if event == "request" and f.get("type") == "WITHDRAW_AUTH"}
    return started - closed_txids(journal)


class Faults(KioskTest):
    kiosk_args = {"start_bank": False}

    # -- the customer's withdrawal, up to a step --------------------------------------
    def confirm(self):
        k = self.k
        k.see("Please insert your card")
        k.insert(PAN)
        k.keys("2")
        k.see("Enter your PIN")
        k.type("1234")
        k.keys("Enter")
        k.see("Main menu")
        k.keys("2")
        k.see("Withdraw cash")
        k.keys("3")
        k.see("Amount: ¥500.00")
        k.keys("1")

    def journaled(self, event):
        return any(e == event for e, _ in self.k.journal())

    def dispensed(self):
        return any(l.startswith("dispense") for l in self.k.read_device())

    def bank_down_seen(self):
        self.k.wait_for(lambda: self.k.trace_events("bank-down"), "the kiosk to lose the bank")

    # -- what must hold afterwards -------------------------------------------------------
    def settle_and_check(self, paid, outcome):
        """paid: whether the dispenser was asked for the cash; outcome: the SETTLE the
        recovery must have sent (complete/reverse), or None when nothing was left."""
        k = self.k
        k.wait_for(lambda: k.holds("held") == 0 and not open_txids(k.journal()),
                   "every hold settled", timeout=30)
        self.assertEqual(self.dispensed(), paid, "dispense asked: %s" % k.asked)
        txids = {f["txid"] for e, f in k.journal()
                 if e == "request" and f.get("type") == "WITHDRAW_AUTH"}
        self.assertEqual(len(txids), 1)
        settled = [f for e, f in k.journal() if e == "settled"]
        if outcome is None:
            self.assertEqual(settled, [])
        else:
            self.assertTrue(settled, "no SETTLE in the journal")
            self.assertEqual({f["outcome"] for f in settled}, {outcome})
            self.assertTrue(all(f["result"] in ("ok", "unknown") for f in settled))
        # The ledger: the opening balance less exactly what was paid out, once.
        self.assertEqual(k.balance(PAN), OPENING - (AMOUNT if paid else 0))
        # (The demo's history has withdrawals of its own, without a txid.)
        self.assertEqual(k.db("SELECT txid FROM ledger WHERE kind = 'withdrawal' AND "
                              "txid IS NOT NULL GROUP BY txid HAVING COUNT(*) > 1"), [])
        rows = k.db("SELECT txid, amount_fen FROM ledger WHERE kind = 'withdrawal' "
                    "AND txid IS NOT NULL")
        self.assertEqual(rows, [(txids.pop(), -AMOUNT)] if paid else [])
        self.assertEqual(k.holds("completed"), 1 if paid else 0)
        self.assertEqual(k.holds("held"), 0)
        # The journal is whole: a kill never tears a record written with one write().
        r = subprocess.run([Kiosk.bin("kioskctl"), "journal", "verify",
                            k.path("journal")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # Never a PIN in the journal, never a whole card number (hex hashes and txids
        # are random, so only the other values are searched for the PIN).
        self.assert_no_pin_leak("1234")
        with open(k.path("journal"), encoding="utf-8") as f:
            self.assertNotIn(PAN, f.read())
        for event, f in k.journal():
            for key, value in f.items():
                if key not in ("prev", "hash", "txid"):
                    self.assertNotIn("1234", value, "%s %s=%s" % (event, key, value))
        self.assertIn(("card-in", "622200******0017"),
                      [(e, f.get("pan")) for e, f in k.journal()])

    # -- the kiosk dies ------------------------------------------------------------------
    def kiosk_crash(self, step):
        """Runs the withdrawal and kills the kiosk at step; True if cash was asked for."""
        k = self.k
        k.start_bank()
        k.start(env="KIOSK_FAULT=" + step if step in ("auth-sent", "complete-sent") else "")
        self.confirm()
        if step == "auth-sent":
            self.assertEqual(k.kiosk_exit(), 137)
            return False
        k.asks("eject-card")
        if step == "authorized":
            self.assertEqual(k.kill_kiosk(), 137)
            return False
        k.device("card-take")
        k.asks("dispense")
        if step == "dispensed":
            self.assertEqual(k.kill_kiosk(), 137)
            return True
        k.device("cash-take")
        if step == "complete-sent":
            self.assertEqual(k.kiosk_exit(), 137)
            return True
        k.wait_for(lambda: self.journaled("completed"), "the completion")
        self.assertEqual(k.kill_kiosk(), 137)
        return True

    def kiosk_case(self, step, outcome):
        paid = self.kiosk_crash(step)
        k = self.k
        k.stop_bank()
        k.start_bank()
        k.restart()
        k.in_state("welcome")
        self.settle_and_check(paid, outcome)

    def test_kiosk_dies_after_auth_sent(self):
        self.kiosk_case("auth-sent", "reverse")

    def test_kiosk_dies_after_authorized(self):
        self.kiosk_case("authorized", "reverse")

    def test_kiosk_dies_after_dispense(self):
        self.kiosk_case("dispensed", "complete")

    def test_kiosk_dies_after_complete_sent(self):
        self.kiosk_case("complete-sent", "complete")

    def test_kiosk_dies_after_completed(self):
        self.kiosk_case("completed", None)

    # -- the adapter dies ----------------------------------------------------------------
    def customer_told_no_money(self):
        """Before any cash: the card comes back with the reason, and none is paid."""
        k = self.k
        k.see("No money was taken")
        k.hears("No money was taken")
        k.device("card-take")
        k.in_state("goodbye")
        self.assertFalse(self.dispensed())

    def adapter_case(self, step, outcome):
        k = self.k
        hook = step in ("auth-received", "auth-committed", "complete-committed")
        k.start_bank(env={"KIOSK_FAULT": step} if hook else None)
        k.start()
        k.headset_in()
        self.confirm()
        paid = False
        if step in ("auth-received", "auth-committed"):
            self.assertEqual(k.bank_wait_exit(), 137)
            k.asks("eject-card")
            self.customer_told_no_money()
        elif step == "authorized":
            k.asks("eject-card")
            self.assertEqual(k.kill_bank(), -9)
            self.bank_down_seen()
            self.customer_told_no_money()
        else:
            k.asks("eject-card")
            k.device("card-take")
            k.asks("dispense")
            paid = True
            if step == "dispensed":
                self.assertEqual(k.kill_bank(), -9)
                self.bank_down_seen()
            k.device("cash-take")
            k.see("Would you like a receipt?")
            if step == "complete-committed":
                self.assertEqual(k.bank_wait_exit(), 137)
            elif step == "completed":
                k.wait_for(lambda: self.journaled("completed"), "the completion")
                self.assertEqual(k.kill_bank(), -9)
            self.bank_down_seen()
            k.keys("2")
        k.in_state("out_of_service", timeout=20)
        k.start_bank()
        k.in_state("welcome", timeout=20)
        with open(k.path("kiosk.log")) as f:
            self.assertIn("connected to adapter kiosk-bankd again", f.read())
        self.settle_and_check(paid, outcome)

    def test_adapter_dies_on_auth(self):
        self.adapter_case("auth-received", "reverse")

    def test_adapter_dies_after_auth_committed(self):
        self.adapter_case("auth-committed", "reverse")

    def test_adapter_dies_after_authorized(self):
        self.adapter_case("authorized", "reverse")

    def test_adapter_dies_after_dispense(self):
        self.adapter_case("dispensed", "complete")

    def test_adapter_dies_after_complete_committed(self):
        self.adapter_case("complete-committed", "complete")

    def test_adapter_dies_after_completed(self):
        self.adapter_case("completed", None)


if __name__ == "__main__":
    unittest.main()
