"""Idle timeouts are announced first (shown and spoken), any key extends them, and a
card that is not taken is kept only after the customer was warned."""
import time
import unittest

from kiosklib import KioskTest, field

PAN = "6222000000000017"


class Timeout(KioskTest):
    kiosk_args = {"idle": 10, "warning": 4, "pin": 10, "take": 10}

    def test_warning_then_timeout(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.keys("2")
        k.in_state("pin")
        # The warning comes after the screen was heard, and is both shown and spoken.
        k.see("Time is almost up: 4 seconds left", timeout=30)
        k.hears("Time is almost up")
        # Any key extends: the warning goes, the session stays.
        k.keys("*")
        k.wait_for(lambda: "Time is almost up" not in k.screen(), "the warning to go")
        self.assertEqual(k.state(), "pin")
        warnings = len(k.trace_events("timeout-warning"))
        # Left alone again: warned again, then the card comes back.
        k.wait_for(lambda: len(k.trace_events("timeout-warning")) > warnings,
                   "a second warning", timeout=30)
        k.asks("eject-card", timeout=30)
        k.see("Time ran out")
        k.hears("Time ran out")
        # The customer does not take it: after its own warning, the card is kept.
        k.asks("retain-card", timeout=40)
        k.see("the machine has kept it")
        self.assertEqual(k.balance(PAN), 500000)
        # Never kept while its warning was still being spoken.
        events = k.trace()
        retain_at = next(t for t, ev, rest in events if ev == "device-out"
                         and rest.startswith("retain-card"))
        last_end = max(t for t, ev, rest in events if ev in ("speech-done", "speech-stop")
                       and t < retain_at)
        last_start = max(t for t, ev, rest in events if ev == "speech-start"
                         and t < retain_at)
        self.assertGreater(last_end, last_start)

    def test_timeout_with_funds_held_reverses_them(self):
        k = self.k.start()
        k.insert(PAN)
        k.keys("2")
        k.type("1234")
        k.keys("Enter")
        k.in_state("menu")
        k.keys("2")
        k.in_state("withdraw")
        k.keys("2")
        k.in_state("confirm")
        k.keys("1")
        k.asks("eject-card")
        self.assertEqual(k.holds("held"), 1)
        k.asks("retain-card", timeout=30)
        k.wait_for(lambda: k.holds("reversed") == 1, "the hold to be reversed")
        self.assertEqual(k.holds("held"), 0)
        self.assertEqual(k.balance(PAN), 500000)


class KeyAfterWarning(KioskTest):
    kiosk_args = {"idle": 10, "warning": 4, "pin": 10, "take": 10}

    def test_the_first_key_only_gives_more_time(self):
        k = self.k.start()
        k.headset_in()
        k.sign_in(PAN, "1234")
        k.see("Time is almost up", timeout=30)
        # 1 is Balance on the menu: after the warning it only gives more time.
        k.keys("1")
        k.see("you have more time")
        k.hears("you have more time")
        k.not_see("Time is almost up")
        self.assertEqual(k.state(), "menu")
        self.assertEqual(len(k.trace_events("more-time")), 1)
        # The next key acts.
        k.keys("1")
        k.in_state("balance")


class HeadsetOnTheWelcomeScreen(KioskTest):
    kiosk_args = {"idle": 10, "warning": 4, "speech_percent": 200}

    def test_does_not_lengthen_the_next_customers_timeouts(self):
        k = self.k.start()
        # Someone plugs a headset in and out before the next customer comes.
        k.headset_in()
        k.device("headset-out")
        k.wait_for(lambda: k.trace_events("speech-mode")[-1:] == ["off"], "speech off")
        k.insert(PAN)
        k.in_state("language")
        k.wait_for(lambda: k.trace_events("timeout-warning"), "the warning", timeout=30)
        events = k.trace()
        entered = max(t for t, ev, rest in events if ev == "state"
                      and rest.startswith("language"))
        warned = next(t for t, ev, rest in events if ev == "timeout-warning")
        # Warned after idle - warning = 6 s of a reader's timeout, not 16 s of a listener's.
        self.assertLess((warned - entered) / 1e6, 11.0)


if __name__ == "__main__":
    unittest.main()
