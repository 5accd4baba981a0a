"""What a screen shows stays on it until the state changes: a notice, a result such as
the receipt, the timeout warning. Any redraw (a page turned, help closed, large print
switched, a key typed ahead) shows it again; in large print it is on the page in view,
and money, card digits and dates are never cut between lines."""
import datetime
import re
import unittest

from kiosklib import KioskTest
from test_large_print import big, has_blocks, to_menu, _in_order

LARGE = "6222000000000025"  # prefers large print; ¥12,345.60
LARGE_PIN = "2580"
PAN = "6222000000000017"
PIN = "1234"


def shows_big(k, text, width=77):
    return _in_order([l.rstrip() for l in k.screen().splitlines()], big(text, width))


def pages(k):
    m = re.search(r"Page \d+ of (\d+)", k.screen())
    return int(m.group(1)) if m else 1


def every_page(k, key="0"):
    """The screens of every page, from the first, turning with key."""
    k.see("Page 1 of")
    n = pages(k)
    seen = [k.screen()]
    for i in range(2, n + 1):
        k.keys(key)
        k.see("Page %d of %d" % (i, n))
        seen.append(k.screen())
    return seen


def on_some_page(seen, text, width=77):
    rows = big(text, width)
    return any(_in_order([l.rstrip() for l in s.splitlines()], rows) for s in seen)


def last_shown(k):
    return k.trace_events("screen")[-1]


def to_pin(k, lang_key="2"):
    """The large print customer's card in, on the PIN screen."""
    k.insert(LARGE)
    k.wait_for(lambda: k.trace_events("large-print"), "large print from the card")
    k.keys(lang_key)
    k.in_state("pin")


def withdraw_500(k, pan, pin, large):
    k.insert(pan)
    if large:
        k.wait_for(lambda: k.trace_events("large-print"), "large print from the card")
    k.keys("2")
    k.in_state("pin")
    k.type(pin)
    k.keys("Enter")
    k.in_state("menu")
    k.keys("2")
    k.in_state("withdraw")
    k.keys("3")
    k.in_state("confirm")
    k.keys("1")
    k.asks("eject-card")
    k.in_state("take_card")
    k.device("card-take")
    k.in_state("take_cash")
    k.device("cash-take")
    k.in_state("receipt")
    k.keys("1")
    k.in_state("take_receipt")


class ReceiptLargePrint(KioskTest):
    def test_the_receipt_is_on_its_pages(self):
        k = self.k.start()
        withdraw_500(k, LARGE, LARGE_PIN, True)
        k.wait_for(lambda: has_blocks(k), "large print")
        seen = every_page(k)
        # The page count is the receipt's, every time it is drawn.
        self.assertGreater(len(seen), 3)
        for text in ("Cash", "withdrawal", "¥500.00", "¥11,845.60"):
            self.assertTrue(on_some_page(seen, text), "%r not drawn whole" % text)
        # A date and a money amount are never cut between two lines.
        today = datetime.date.today().strftime("%Y-%m-%d")
        self.assertTrue(on_some_page(seen, today), "the date not drawn whole")
        # Round again: the receipt is still there.
        k.keys("0")
        k.see("Page 1 of %d" % len(seen))
        self.assertIn("¥11,845.60", last_shown(k))


class AmountsWhole(KioskTest):
    kiosk_args = {"cols": 132, "rows": 43}

    def test_balance_whole_at_every_size(self):
        k = self.k.start()
        to_menu(k)
        k.keys("1")
        k.in_state("balance")
        seen = every_page(k)
        self.assertTrue(on_some_page(seen, "¥12,345.60", 129), "the balance cut")
        # Size 2 fits 8 digits a line: the amount's line is drawn at size 1, whole,
        # the rest at size 2.
        k.keys("F10")
        k.wait_for(lambda: k.trace_events("text-size") == ["2"], "size 2")
        seen = every_page(k)
        rows = big("¥12,345.60", 129)
        self.assertTrue(any(_in_order([l.rstrip() for l in s.splitlines()], rows)
                            for s in seen), "the balance cut at size 2")
        self.assertTrue(any(_in_order([l.rstrip() for l in s.splitlines()],
                                      big("balance", 129, 2)) for s in seen))


class WrongPinLargePrint(KioskTest):
    def test_wrong_pin_readable_on_its_pages(self):
        k = self.k.start()
        to_pin(k)
        k.type("9999")
        k.keys("Enter")
        k.wait_for(lambda: "Wrong PIN" in last_shown(k), "the wrong PIN notice")
        seen = every_page(k, "Down")
        self.assertIn("Wrong PIN", last_shown(k))
        for text in ("Wrong", "try", "more"):
            self.assertTrue(on_some_page(seen, text), "%r not on any page" % text)


class ReceiptNormalPrint(KioskTest):
    def test_help_and_large_print_keep_the_receipt(self):
        k = self.k.start()
        withdraw_500(k, PAN, PIN, False)
        k.see("Amount: ¥500.00")
        k.keys("/")
        k.wait_for(lambda: k.trace_events("overlay")[-1].startswith("help"), "help")
        k.keys("Escape")
        k.wait_for(lambda: k.trace_events("overlay")[-1].startswith("none"), "help closed")
        k.see("Amount: ¥500.00")
        k.see("Balance: ¥4,500.00")
        k.keys("F9")
        k.wait_for(lambda: has_blocks(k), "large print")
        k.keys("F9")
        k.wait_for(lambda: not has_blocks(k), "normal print")
        k.see("Amount: ¥500.00")
        self.assertEqual(k.state(), "take_receipt")


class TypeAhead(KioskTest):
    def test_wrong_pin_notice_stays_while_typing_on(self):
        k = self.k.start()
        k.insert(PAN)
        k.keys("2")
        k.in_state("pin")
        k.type("9999")
        # The customer types on while the bank checks the PIN.
        k.keys_at_once("Enter", "1", "2")
        k.wait_for(lambda: "**" in last_shown(k) and k.state() == "pin", "two new digits")
        k.see("Wrong PIN")
        self.assertIn("Wrong PIN", last_shown(k))
        self.assert_no_pin_leak("9999")


class TimeoutWarningLargePrint(KioskTest):
    kiosk_args = {"idle": 10, "warning": 4, "pin": 10, "take": 10}

    def test_warning_on_the_page_in_view(self):
        k = self.k.start()
        to_pin(k)
        k.keys("Down")
        k.see("Page 2 of")
        k.wait_for(lambda: k.trace_events("timeout-warning"), "the warning", timeout=30)
        # Drawn big where the customer is looking, on the page in view.
        k.wait_for(lambda: shows_big(k, "Time is") and shows_big(k, "almost up:"),
                   "the warning drawn big")
        k.see("Page 2 of")
        # A key gives the time back and the page as it was.
        k.keys("*")
        k.wait_for(lambda: not shows_big(k, "Time is"), "the warning to go")
        self.assertEqual(k.state(), "pin")


class LastPage(KioskTest):
    def test_last_page_says_what_0_does_there(self):
        k = self.k.start()
        k.headset_in()
        to_menu(k)
        seen = every_page(k)
        self.assertNotIn("More: press 0", seen[-1])
        k.see("Back to page 1: press 0")
        k.hears("Back to page 1: press 0")
        k.keys("0")
        k.see("Page 1 of %d" % len(seen))
        k.see("More: press 0")

    def test_in_chinese(self):
        k = self.k.start()
        k.headset_in()
        to_pin(k, "1")
        k.see("下一页请按下箭头键")
        n = int(re.search(r"共(\d+)页", k.screen()).group(1))
        for _ in range(n - 1):
            k.keys("Down")
        k.see("第%d页" % n)
        k.see("回到第一页请按下箭头键")
        k.hears("回到第一页请按下箭头键")
        self.assertNotIn("下一页", k.screen())


class TextSizeInNormalPrint(KioskTest):
    def test_text_size_does_not_switch_large_print_on(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.keys("2")
        k.in_state("pin")
        k.keys("F10")
        k.see("Text size is for large print")
        k.hears("Text size is for large print")
        self.assertEqual(k.trace_events("large-print"), [])
        self.assertFalse(has_blocks(k))
        # It is for now: the next key takes it away, and large print is still off.
        k.keys("1")
        k.wait_for(lambda: "Text size" not in k.screen(), "the notice to go")
        self.assertEqual(k.trace_events("large-print"), [])
        self.assertEqual(k.state(), "pin")


if __name__ == "__main__":
    unittest.main()
