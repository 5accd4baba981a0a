"""A transfer moves money once or not at all: the kiosk or the adapter dies (kill -9, or
a test hook that exits as if killed) or the adapter stops answering, at each step of a
¥1,000 transfer from 张伟's current account to his savings. Afterwards the bank holds
the same total, both legs of the transfer are booked or neither, the kiosk's journal
holds its txid and is whole, and the customer was told only what is known: "no money
was taken" before the TRANSFER left, "cannot tell whether it was made" when its answer
never came.

The test hooks: KIOSK_FAULT=transfer-sent in the kiosk's environment (dies right after
sending it), KIOSK_FAULT=transfer-received|transfer-committed in the adapter's (dies
before booking it, or after booking it and before answering)."""
import signal
import subprocess
import unittest

from kiosklib import Kiosk, KioskTest

PAN = "6222000000000017"
CURRENT, SAVINGS = 500000, 2000000
AMOUNT = 100000


class TransferFaults(KioskTest):
    kiosk_args = {"start_bank": False}

    def to_step(self, step):
        """The customer's transfer up to step: choices, amount, confirm, sent, done."""
        k = self.k
        k.see("Please insert your card")
        k.sign_in(PAN, "1234")
        k.keys("3")
        k.in_state("transfer")
        if step == "choices":
            return
        k.keys("1")
        k.in_state("transfer_amount")
        if step == "amount":
            return
        k.type(str(AMOUNT // 100))
        k.keys("Enter")
        k.in_state("transfer_confirm")
        if step == "confirm":
            return
        k.keys("1")
        if step == "done":
            k.asks("eject-card")
            k.in_state("take_card")

    def txids(self):
        return [f["txid"] for e, f in self.k.journal()
                if e == "request" and f.get("type") == "TRANSFER"]

    def moved(self):
        """Whether the transfer was booked, asserting it was booked whole or not at all."""
        k = self.k
        current, savings = k.account(PAN), k.account(PAN, "savings")
        self.assertIn((current, savings), [(CURRENT, SAVINGS),
                                           (CURRENT - AMOUNT, SAVINGS + AMOUNT)])
        self.assertEqual(k.bank_total(), self.total)
        rows = sum(k.db("SELECT COUNT(*) FROM ledger WHERE txid = ?", t)[0][0]
                   for t in self.txids())
        booked = current == CURRENT - AMOUNT
        self.assertEqual(rows, 2 if booked else 0, "ledger rows of the transfer")
        return booked

    def journal_whole(self):
        k = self.k
        r = subprocess.run([Kiosk.bin("kioskctl"), "journal", "verify", k.path("journal")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_no_pin_leak("1234")
        with open(k.path("journal"), encoding="utf-8") as f:
            self.assertNotIn(PAN, f.read())

    # -- the kiosk dies --------------------------------------------------------------
    def kiosk_case(self, step):
        k = self.k
        k.start_bank()
        self.total = k.bank_total()
        k.start(env="KIOSK_FAULT=transfer-sent" if step == "sent" else "")
        self.to_step(step)
        if step == "sent":
            self.assertEqual(k.kiosk_exit(), 137)
        else:
            self.assertEqual(k.kill_kiosk(), 137)
        k.stop_bank()
        k.start_bank()
        k.restart()
        k.in_state("welcome")
        booked = self.moved()
        self.journal_whole()
        # Nothing moves again after the restart: a TRANSFER is never sent again.
        self.assertEqual(len(self.txids()), 1 if step in ("sent", "done") else 0)
        return booked

    def test_kiosk_dies_at_the_choices(self):
        self.assertFalse(self.kiosk_case("choices"))

    def test_kiosk_dies_at_the_amount(self):
        self.assertFalse(self.kiosk_case("amount"))

    def test_kiosk_dies_at_the_confirmation(self):
        self.assertFalse(self.kiosk_case("confirm"))

    def test_kiosk_dies_after_the_transfer_left(self):
        # The adapter got the whole request before the kiosk died: it books it.
        self.assertTrue(self.kiosk_case("sent"))

    def test_kiosk_dies_after_the_result(self):
        self.assertTrue(self.kiosk_case("done"))

    # -- the adapter dies or stops answering ------------------------------------------
    def start_both(self):
        k = self.k
        k.start_bank()
        self.total = k.bank_total()
        k.start()
        k.headset_in()

    def card_back_then_reconnect(self, told):
        k = self.k
        k.see(told)
        k.hears(told)
        k.asks("eject-card")
        k.device("card-take")
        k.in_state("goodbye")
        k.in_state("out_of_service", timeout=20)
        k.start_bank()
        k.in_state("welcome", timeout=20)

    def adapter_dies(self, step):
        k = self.k
        self.start_both()
        self.to_step(step)
        self.assertEqual(k.kill_bank(), -9)
        self.card_back_then_reconnect("No money was taken")
        self.assertFalse(self.moved())
        self.assertEqual(self.txids(), [])
        self.journal_whole()

    def test_adapter_dies_at_the_choices(self):
        self.adapter_dies("choices")

    def test_adapter_dies_at_the_amount(self):
        self.adapter_dies("amount")

    def test_adapter_dies_at_the_confirmation(self):
        self.adapter_dies("confirm")

    def no_answer(self, resume):
        """The adapter stops before the TRANSFER arrives; the kiosk gives up waiting.
        resume: it goes on afterwards (and books what it then reads) or is killed."""
        k = self.k
        self.start_both()
        self.to_step("confirm")
        k.bank_proc.send_signal(signal.SIGSTOP)
        k.keys("1")
        self.card_back_then_reconnect_after(resume)
        unknown = [f for e, f in k.journal() if e == "transfer-unknown"]
        self.assertEqual([f["txid"] for f in unknown], self.txids())
        self.journal_whole()
        return self.moved()

    def card_back_then_reconnect_after(self, resume):
        k = self.k
        k.in_state("take_card", timeout=20)
        k.see("cannot tell whether")
        k.hears("cannot tell whether")
        # Never "no money was taken": that is not known.
        self.assertFalse(any("No money was taken" in s for s in k.spoken()))
        if resume:
            k.bank_proc.send_signal(signal.SIGCONT)
            k.wait_for(lambda: k.account(PAN) != CURRENT, "the adapter to book it")
            k.stop_bank()
        else:
            self.assertEqual(k.kill_bank(), -9)
        k.asks("eject-card")
        k.device("card-take")
        k.in_state("goodbye")
        k.start_bank()
        k.in_state("welcome", timeout=30)

    def test_no_answer_and_the_adapter_dies(self):
        self.assertFalse(self.no_answer(resume=False))

    def test_no_answer_and_the_adapter_books_it_late(self):
        self.assertTrue(self.no_answer(resume=True))

    def adapter_hook(self, point):
        """The adapter dies with the TRANSFER in hand: the customer hears that this
        machine cannot tell; the bank's ledger says."""
        k = self.k
        k.start_bank(env={"KIOSK_FAULT": point})
        self.total = k.bank_total()
        k.start()
        k.headset_in()
        self.to_step("confirm")
        k.keys("1")
        self.assertEqual(k.bank_wait_exit(), 137)
        k.in_state("take_card", timeout=20)
        k.see("cannot tell whether")
        k.hears("cannot tell whether")
        self.assertFalse(any("No money was taken" in s for s in k.spoken()))
        k.asks("eject-card")
        k.device("card-take")
        k.in_state("goodbye")
        k.start_bank()
        k.in_state("welcome", timeout=30)
        unknown = [f for e, f in k.journal() if e == "transfer-unknown"]
        self.assertEqual([f["txid"] for f in unknown], self.txids())
        self.journal_whole()
        return self.moved()

    def test_adapter_dies_before_booking(self):
        self.assertFalse(self.adapter_hook("transfer-received"))

    def test_adapter_dies_after_booking(self):
        self.assertTrue(self.adapter_hook("transfer-committed"))

    def test_adapter_dies_after_the_result(self):
        k = self.k
        self.start_both()
        self.to_step("done")
        self.assertEqual(k.kill_bank(), -9)
        # The money moved: the customer still gets the card back, and no false alarm.
        k.wait_for(lambda: k.trace_events("bank-down"), "the kiosk to lose the bank")
        k.device("card-take")
        k.in_state("receipt")
        k.keys("2")
        k.in_state("goodbye")
        self.assertFalse(any("No money was taken" in s for s in k.spoken()))
        k.start_bank()
        k.in_state("welcome", timeout=30)
        self.assertTrue(self.moved())
        self.journal_whole()


if __name__ == "__main__":
    unittest.main()
