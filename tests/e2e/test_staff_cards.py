"""Card services a member of staff opens at the kiosk: a card locked by wrong PINs
unlocked and given a new PIN, then used for a withdrawal, by ear; a forgotten PIN reset
after staff checked the customer's ID, in Chinese large print; a card cancelled, refused
while money is left only on it, and kept by the machine. Without staff each only calls
one, and staff leaving midway changes nothing."""
import unittest

import test_large_print as lp
from kiosklib import KioskTest

LOCKED = "6222000000000041"          # 赵强, locked after too many wrong PINs
ZHANG = ("6222000000000017", "1234")
WANG = ("6222000000000033", "1357")  # 王芳: her accounts only her card reaches
SECOND = ("6222000000000108", "2468")  # 张伟's second card, on his account
STAFF = ("0042", "8642")
NEW = "3860"


def no_leaks(test, *pins):
    for pin in pins + (STAFF[1],):
        test.assert_no_pin_leak(pin)


class StaffCards(KioskTest):
    def staff_in(self, screen):
        """The badge, then its PIN: the staff member's screen of the service."""
        k = self.k
        k.device("staff-card " + STAFF[0])
        k.in_state("staff_pin")
        k.type(STAFF[1])
        k.keys("Enter")
        k.in_state(screen)

    def new_pin(self, first, again, pin, second=None):
        k = self.k
        k.in_state(first)
        k.type(pin)
        k.keys("Enter")
        k.in_state(again)
        k.type(second or pin)
        k.keys("Enter")

    def card_status(self, pan):
        return self.k.db("SELECT status FROM cards WHERE pan = ?", pan)[0][0]


class Unlock(StaffCards):
    def test_unlock_by_ear_then_new_pin_then_withdraw(self):
        k = self.k.start()
        k.headset_in()
        k.insert(LOCKED)
        k.keys("2")
        k.in_state("unlock")
        k.hears("This card is locked after too many wrong PINs.")
        self.assertNotIn("eject-card", k.read_device())
        # Alone, the customer can only call someone.
        k.keys("1")
        k.asks("call-staff card_locked")
        k.in_state("staff_called")
        self.staff_in("unlock_staff")
        k.hears("Staff: unlock the card")
        k.hears("holder Zhao Qiang")  # to the headset, to check against the ID
        k.see("Staff assisting: 0042")
        # Staff leave before the new PIN was sent: still locked, and said so.
        k.keys("1")
        k.in_state("unlock_new")
        k.type("58")
        k.device("staff-leave")
        k.in_state("unlock")
        k.hears("The member of staff left, so the card is still locked.")
        self.assertEqual(self.card_status(LOCKED), "locked")
        # Back again: a weak PIN is refused by name, a good one unlocks.
        self.staff_in("unlock_staff")
        # "Not now" gives the customer's screen; asking for staff there, with the
        # member of staff still here, brings their screen back, and pages nobody.
        k.keys("2")
        k.in_state("unlock")
        calls = sum(l.startswith("call-staff") for l in k.read_device())
        k.keys("IC")
        k.in_state("unlock_staff")
        self.assertEqual(sum(l.startswith("call-staff") for l in k.read_device()), calls)
        k.keys("1")
        self.new_pin("unlock_new", "unlock_again", "1111")
        k.hears("A new PIN cannot be one digit repeated")
        self.new_pin("unlock_new", "unlock_again", NEW)
        k.in_state("pin")
        k.hears("Your card is unlocked and your new PIN is set.")
        self.assertEqual(self.card_status(LOCKED), "active")
        k.type(NEW)
        k.keys("Enter")
        k.in_state("menu")
        k.device("staff-leave")
        k.wait_for(lambda: "Staff assisting" not in k.screen(), "the mode to end")
        # The unlocked card withdraws as any other.
        k.keys("2")
        k.in_state("withdraw")
        k.keys("3")
        k.in_state("confirm")
        k.keys("1")
        k.asks("eject-card")
        k.device("card-take")
        self.assertEqual(k.asks("dispense"), "dispense 500")
        k.device("cash-take")
        k.wait_for(lambda: k.balance(LOCKED) == 250000, "the withdrawal booked")
        unlocked = [f.get("staff") for e, f in k.journal() if e == "card-unlocked"]
        self.assertEqual(unlocked, ["0042"])
        no_leaks(self, NEW, "1111", "4321")


class PinReset(StaffCards):
    def test_forgotten_pin_in_chinese_large_print(self):
        k = self.k.start()
        k.keys("F9")
        k.insert(ZHANG[0])
        k.keys("1")
        k.in_state("pin")
        k.keys("IC")
        k.asks("call-staff pin_forgotten")
        self.staff_in("pin_reset")
        k.wait_for(lambda: "工作人员：重置密码" in k.trace_events("screen")[-1] and
                   lp.has_blocks(k), "the staff screen in large print")
        # "Back to the PIN" changes nothing; coming again, the reset screen first.
        k.keys("2")
        k.in_state("pin")
        k.device("staff-leave")
        k.wait_for(lambda: "工作人员协助中" not in k.trace_events("screen")[-1],
                   "the mode to end")
        self.staff_in("pin_reset")
        k.keys("1")
        self.new_pin("pin_reset_new", "pin_reset_again", NEW, "3861")
        k.wait_for(lambda: "两次输入的新密码不一样" in k.trace_events("screen")[-1],
                   "the mismatch shown")
        self.new_pin("pin_reset_new", "pin_reset_again", NEW)
        k.in_state("pin")
        k.wait_for(lambda: "新密码已设置" in k.trace_events("screen")[-1], "reset, shown")
        # The old PIN no longer opens the card; the new one does.
        k.type(ZHANG[1])
        k.keys("Enter")
        k.wait_for(lambda: "密码错误" in k.trace_events("screen")[-1], "the old PIN refused")
        k.type(NEW)
        k.keys("Enter")
        k.in_state("menu")
        events = [e for e, _ in k.journal()]
        self.assertIn("pin-reset-id-checked", events)
        self.assertIn("pin-reset", events)
        no_leaks(self, NEW, "3861", ZHANG[1])


class Cancel(StaffCards):
    def test_refused_with_money_left_and_without_staff(self):
        k = self.k.start()
        k.headset_in()
        k.sign_in(*WANG)
        k.keys("7")
        k.in_state("card_cancel")
        k.hears("A card is cancelled only with a member of staff.")
        k.keys("1")
        k.asks("call-staff card_cancel")
        self.staff_in("card_cancel_staff")
        k.hears("Cancel card ending")
        # Staff leave: nothing cancelled, and said so.
        k.device("staff-leave")
        k.in_state("menu")
        k.hears("The member of staff left, so the card is not cancelled.")
        k.keys("7")
        k.in_state("card_cancel")
        self.staff_in("card_cancel_staff")
        k.keys("1")
        k.in_state("menu")
        k.hears("An account of this card still holds money, so it is not cancelled.")
        self.assertEqual(self.card_status(WANG[0]), "active")
        no_leaks(self, WANG[1])

    def test_second_card_cancelled_and_kept(self):
        k = self.k.start()
        k.sign_in(*SECOND)
        # Staff here already: menu 7 opens their screen at once.
        k.device("staff-card " + STAFF[0])
        k.in_state("staff_pin")
        k.type(STAFF[1])
        k.keys("Enter")
        k.in_state("menu")
        k.keys("7")
        k.in_state("card_cancel_staff")
        k.see("Cancel **** 0108, holder Zhang Wei?")
        k.keys("1")
        k.in_state("notice")
        k.see("Your card is cancelled, and the machine keeps it.")
        k.keys("Enter")
        k.asks("retain-card")
        self.assertEqual(self.card_status(SECOND[0]), "cancelled")
        cancelled = [f.get("staff") for e, f in k.journal() if e == "card-cancelled"]
        self.assertEqual(cancelled, ["0042"])
        # His first card still reaches the money.
        self.assertEqual(k.balance(ZHANG[0]), 500000)
        k.in_state("welcome")
        k.insert(SECOND[0])
        k.keys("2")
        k.in_state("notice")
        k.see("This card was cancelled, so the machine has kept it.")
        k.keys("Enter")
        k.wait_for(lambda: k.read_device().count("retain-card") == 2, "kept again")
        no_leaks(self, SECOND[1])


if __name__ == "__main__":
    unittest.main()
