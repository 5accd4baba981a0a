"""A member of staff when the customer needs one. CALL_STAFF (Insert) writes call-staff
on the device channel, the adapter records the call, the kiosk shows and says that staff
are on the way and holds the timeouts until staff.wait_max, and the customer may cancel;
with the adapter down the call still reaches the pager and the kiosk's own records.
A staff badge and its PIN open staff-assisted mode over the customer's session, shown
and said on every screen, until staff-leave or CANCEL; an unknown badge and a badge
locked by three wrong PINs are refused by name, the customer's session untouched."""
import unittest

import kiosklib
from kiosklib import CONFIG, KioskTest

PAN, PIN = "6222000000000017", "1234"
WAIT_MAX = 12


def call_config():
    # The menu would warn after 5 s idle: the call must hold it for WAIT_MAX.
    return CONFIG.format(src=kiosklib.SRC, idle=10, warning=5, pin=90, take=30,
                         speech_percent=100) + "staff:\n  wait_max: %d\n" % WAIT_MAX


class StaffCall(KioskTest):
    kiosk_args = {"config_text": call_config()}

    def test_call_holds_timeouts_and_cancel(self):
        k = self.k.start()
        k.headset_in()
        k.sign_in(PAN, PIN)
        k.keys("IC")
        k.asks("call-staff help")
        k.in_state("staff_called")
        k.see("A member of staff has been called and is on the way")
        k.hears("A member of staff has been called and is on the way")
        # Held: no timeout warning until wait_max is over, then the usual one.
        k.wait_for(lambda: k.trace_events("staff-wait-over"), "the wait to end",
                   WAIT_MAX + 5)
        k.wait_for(lambda: k.trace_events("timeout-warning"), "the usual warning")
        names = [e for _, e, _ in k.trace() if e in ("staff-wait-over", "timeout-warning")]
        self.assertEqual(names[0], "staff-wait-over")
        called = next(t for t, e, r in k.trace() if e == "state" and
                      r.startswith("staff_called"))
        warned = next(t for t, e, _ in k.trace() if e == "timeout-warning")
        self.assertGreaterEqual(warned - called, WAIT_MAX * 1000000)  # µs
        # A key after the warning gets more time, as anywhere; then the customer, who
        # no longer needs anyone, cancels the call and has the menu back.
        k.keys("1")
        k.wait_for(lambda: k.trace_events("more-time"), "more time")
        k.keys("1")
        k.asks("call-staff-cancel")
        k.in_state("menu")
        self.assertEqual(k.db("SELECT kiosk_id, reason FROM staff_calls"),
                         [("TEST-K01", "help")])
        events = [e for e, _ in k.journal()]
        self.assertIn("staff-call", events)
        self.assertIn("staff-call-cancel", events)
        self.assert_no_pin_leak(PIN)

    def test_call_after_card_lock_and_with_adapter_down(self):
        k = self.k.start()
        k.headset_in()
        # A locked card: its screen offers the call, and the pager hears why.
        k.insert("6222000000000041")
        k.keys("1")
        k.in_state("unlock")
        k.hears("工作人员可以在这里为您解锁")
        k.keys("IC")
        k.asks("call-staff card_locked")
        k.in_state("staff_called")
        k.keys("1")
        k.asks("call-staff-cancel")
        k.in_state("unlock")
        k.keys("Escape")
        k.in_state("take_card")
        k.device("card-take")
        k.in_state("welcome", 15)
        # The adapter goes away: the call still reaches the pager and the records.
        k.sign_in(PAN, PIN, "1")
        k.stop_bank()
        k.keys("1")  # balance: the bank does not answer; the card comes back
        k.asks("eject-card")
        k.in_state("take_card")
        k.keys("IC")
        k.asks("call-staff bank_unavailable")
        k.in_state("staff_called")
        k.hears("工作人员已收到呼叫，正在赶来")
        k.wait_for(lambda: "recorded here only" in k.log_tail(), "the call logged")
        self.assertEqual(k.db("SELECT reason FROM staff_calls"), [("card_locked",)])
        self.assertIn(("staff-call", {"reason": "bank_unavailable"}),
                      [(e, {"reason": f.get("reason")}) for e, f in k.journal()])


class StaffMode(KioskTest):
    def staff_pin(self, badge, pin):
        k = self.k
        k.device("staff-card " + badge)
        k.in_state("staff_pin")
        k.type(pin)
        k.keys("Enter")

    def test_staff_mode_and_lockout(self):
        k = self.k.start()
        k.headset_in()
        k.sign_in(PAN, PIN)
        # A badge the bank does not know: refused by name, the customer still served.
        self.staff_pin("9999", "8642")
        k.in_state("menu")
        k.see("Staff badge 9999 is not known")
        self.assertIn("badge 9999 refused: unknown", k.log_tail())
        # The staff member signs in: shown and said on every screen.
        self.staff_pin("0042", "8642")
        k.in_state("menu")
        k.see("Staff assisting: 0042")
        k.hears("Staff assisting: zero zero four two")  # read off the badge
        k.keys("1")
        k.in_state("balance")
        k.see("Staff assisting: 0042")
        self.assertEqual(k.journal()[-1][1].get("staff"), "0042")
        k.device("staff-leave")
        k.wait_for(lambda: "Staff assisting" not in k.screen(), "the mode to end")
        self.assertEqual(k.state(), "balance")
        # CANCEL ends the mode, not the customer's visit.
        self.staff_pin("0042", "8642")
        k.in_state("balance")
        k.see("Staff assisting: 0042")
        k.keys("Escape")
        k.wait_for(lambda: "Staff assisting" not in k.screen(), "the mode to end")
        self.assertEqual(k.state(), "balance")
        self.assertEqual(k.card_status(PAN), "active")
        # Three wrong staff PINs lock the badge; the customer's session goes on.
        self.staff_pin("0042", "1111")
        k.in_state("staff_pin")
        k.see("Wrong staff PIN")
        k.type("2222")
        k.keys("Enter")
        k.see("Wrong staff PIN")
        k.type("3333")
        k.keys("Enter")
        k.in_state("balance")
        k.see("Staff badge 0042 is locked")
        self.staff_pin("0042", "8642")
        k.in_state("balance")
        k.see("Staff badge 0042 is locked")
        self.assertNotIn("Staff assisting", k.screen())
        self.assertEqual(k.db("SELECT tries_left FROM staff WHERE id = '0042'"), [(0,)])
        events = [e for e, _ in k.journal()]
        for e in ("staff-card", "staff-in", "staff-leave", "staff-refused"):
            self.assertIn(e, events)
        self.assert_no_pin_leak(PIN)
        self.assert_no_pin_leak("8642")


if __name__ == "__main__":
    unittest.main()
