"""PIN change: the new PIN typed twice, masked and never said; a weak one refused with
the reason heard or read, two entries that differ asked again; once changed, the next
visit takes the new PIN and refuses the old. No digit of any of them is in the trace,
the logs or the journal."""
import re
import unittest

import test_large_print as lp
from kiosklib import KioskTest

SPEAKS = ("6222000000000033", "1357")  # 王芳, prefers speech
READS = ("6222000000000025", "2580")   # 李秀英, prefers large print
NEW = "2468"
TRIED = ("1111", "9876", "2469")


def key_said(said, label):
    m = re.search(re.escape(label) + r", press (\d)", said)
    assert m, "%r is not offered in %r" % (label, said)
    return m.group(1)


class NoDigits(KioskTest):
    def assert_no_digits(self, *pins):
        # Each digit typed for a new PIN is traced as "digit", never as itself.
        typed = [r.split()[0] for r in self.k.trace_events("key") + self.k.trace_events(
            "key-wait") if "state=pin_change" in r or "state=" not in r]
        self.assertIn("digit", typed)
        for name in typed:
            self.assertFalse(name.isdigit(), "a digit named in the trace: %s" % name)
        for pin in pins:
            self.assert_no_pin_leak(pin)
        # The journal without each record's number, time and hash chain (hex, which may
        # hold any four digits): what it says happened.
        hexrun = re.compile(r"[0-9a-f]{16,}")
        with open(self.k.path("journal"), encoding="utf-8") as f:
            journal = [hexrun.sub("x", l.split(" ", 2)[2]) for l in f if l.count(" ") >= 2]
        for pin in pins:
            for record in journal:
                self.assertNotIn(pin, record)
        changed = [{n: v for n, v in f.items() if n not in ("prev", "hash")}
                   for e, f in self.k.journal() if e == "pin-changed"]
        self.assertEqual(changed, [{}], "the journal says only that the PIN changed")

    def new_pin(self, first, second=None):
        """Types the new PIN, ENTER, and again (second, if it is to differ)."""
        k = self.k
        k.in_state("pin_change")
        k.type(first)
        k.keys("Enter")
        k.in_state("pin_change_again")
        k.type(second or first)
        k.keys("Enter")


class ByEar(NoDigits):
    def test_change_in_english(self):
        k = self.k.start()
        k.headset_in()
        k.sign_in(*SPEAKS)
        k.hears("Main menu")
        menu = [s for s in k.spoken() if "Main menu" in s][-1]
        k.keys(key_said(menu, "Change your PIN"))
        k.hears("Enter your new PIN")
        # Every digit is the same word; the count, never the digits.
        k.type("11")
        k.wait_for(lambda: k.spoken()[-2:] == ["star", "star"], "two stars")
        k.keys("Enter")
        k.hears("That PIN is too short")
        k.keys("BSpace", "BSpace")
        k.hears("Enter your new PIN")

        self.new_pin(TRIED[0])
        k.hears("A new PIN cannot be one digit repeated")
        k.in_state("pin_change")
        self.new_pin(TRIED[1])
        k.hears("A new PIN cannot be digits in a row")
        self.new_pin(SPEAKS[1])
        k.hears("The new PIN cannot be the same as your old PIN")
        # Two entries that differ: asked again from the first, nothing sent.
        requests = len([f for e, f in k.journal() if e == "request"])
        self.new_pin(NEW, TRIED[2])
        k.hears("The two new PINs were not the same")
        k.in_state("pin_change")
        self.assertEqual(len([f for e, f in k.journal() if e == "request"]), requests)
        self.new_pin(NEW)
        k.hears("Your PIN is changed")
        k.in_state("menu")
        # One change for each PIN checked.
        k.keys(key_said(menu, "Change your PIN"))
        self.new_pin("3579")
        k.hears("already changed on this visit")
        k.in_state("menu")
        k.keys("Escape")
        k.device("card-take")
        k.in_state("welcome")

        # The next visit: the old PIN is wrong, the new one works.
        k.insert(SPEAKS[0])
        k.keys("2")
        k.in_state("pin")
        k.type(SPEAKS[1])
        k.keys("Enter")
        k.hears("Wrong PIN")
        k.type(NEW)
        k.keys("Enter")
        k.in_state("menu")
        for said in k.spoken():
            self.assertNotRegex(said, r"\d{4}")
        self.assert_no_digits(NEW, SPEAKS[1], "3579", *TRIED)


class AfterAnotherService(NoDigits):
    def test_after_a_statement_on_the_same_visit(self):
        """The service area is the statement's until the PIN change starts afresh."""
        k = self.k.start()
        k.sign_in(*SPEAKS)
        k.keys("4")
        k.in_state("statement")
        k.keys("1")
        k.in_state("statement_lines")
        k.keys("2")
        k.in_state("menu")
        k.keys("5")
        self.new_pin(NEW)
        k.see("Your PIN is changed")
        k.in_state("menu")
        self.assertEqual(k.kiosk_pid() is not None, True)
        self.assert_no_digits(NEW, SPEAKS[1])


class LargePrint(NoDigits):
    def test_change_in_chinese_large_print(self):
        k = self.k.start()
        lp.to_menu(k, lang_key="1")
        k.keys("5")
        k.in_state("pin_change")
        k.wait_for(lambda: lp.shows_big(k, "修改密码"), "the title drawn big")
        k.type("12")
        k.wait_for(lambda: re.search(r"\| \*\*($| \|)", k.trace_events("screen")[-1]),
                   "two stars")

        def shown(text):
            """On the screen now, in large print (the model drawn is the trace's)."""
            return k.wait_for(lambda: text in k.trace_events("screen")[-1] and
                              lp.has_blocks(k), "%r shown in large print" % text)

        k.keys("BSpace", "BSpace")
        self.new_pin(TRIED[0])
        shown("同一个数字重复")
        self.new_pin("1234")
        shown("连续的数字")
        self.new_pin(READS[1])
        shown("原来的密码")
        self.new_pin(NEW, TRIED[2])
        shown("两次输入的新密码不一样")
        k.in_state("pin_change")
        self.new_pin(NEW)
        k.in_state("menu")
        shown("密码已修改")
        k.keys("Escape")
        k.device("card-take")
        k.in_state("welcome")

        k.insert(READS[0])
        k.keys("1")
        k.in_state("pin")
        k.type(READS[1])
        k.keys("Enter")
        shown("密码错误")
        k.type(NEW)
        k.keys("Enter")
        k.in_state("menu")
        self.assert_no_digits(NEW, READS[1], "1234", *TRIED)


if __name__ == "__main__":
    unittest.main()
