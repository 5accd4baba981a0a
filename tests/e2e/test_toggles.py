"""Large print, its text size and its colours: each switch is said in the screen's
language and shown on the screen, and the colours hold in normal print too."""
import re
import subprocess
import unittest

from kiosklib import KioskTest

PAN = "6222000000000017"  # no large print preference: the screens start in normal print
YELLOW_BACKGROUND = r"\x1b\[(?:[0-9;]*;)?(43|103)m"


def to_menu(k, lang_key):
    k.headset_in()
    k.insert(PAN)
    k.keys(lang_key)
    k.in_state("pin")
    k.type("1234")
    k.keys("Enter")
    k.in_state("menu")


def shown(k, text):
    """The model drawn last holds text (large print draws it in glyphs, not letters)."""
    k.wait_for(lambda: text in (k.trace_events("screen") or [""])[-1], "shown: " + text)


def coloured(k):
    return subprocess.run(k.tmux + ["capture-pane", "-p", "-e", "-t", "0"],
                          capture_output=True, text=True, check=True).stdout


class Toggles(KioskTest):
    def test_large_print_on_and_off_in_english(self):
        k = self.k.start()
        to_menu(k, "2")
        k.keys("F9")
        shown(k, "Large print is on.")
        k.hears("Large print is on.")
        k.keys("F9")
        k.see("Large print is off.")
        k.hears("Large print is off.")
        k.see("Main menu")

    def test_large_print_on_and_off_in_chinese(self):
        k = self.k.start()
        to_menu(k, "1")
        k.keys("F9")
        shown(k, "大字显示已开启。")
        k.hears("大字显示已开启")
        k.keys("F9")
        k.see("大字显示已关闭。")
        k.hears("大字显示已关闭")

    def test_theme_in_normal_print(self):
        k = self.k.start()
        to_menu(k, "2")
        self.assertIsNone(re.search(YELLOW_BACKGROUND, coloured(k)))
        k.keys("Home")
        k.see("Colours 2 of 4.")
        k.hears("Colours 2 of 4")
        self.assertEqual(k.trace_events("theme")[-1], "black-on-yellow")
        k.wait_for(lambda: re.search(YELLOW_BACKGROUND, coloured(k)), "a yellow background")
        k.see("Main menu")
        # Round the four themes, back to the first.
        for n in (3, 4, 1):
            k.keys("Home")
            k.see("Colours %d of 4." % n)
        self.assertEqual(k.trace_events("theme")[-1], "white-on-black")

    def test_theme_said_in_chinese(self):
        k = self.k.start()
        to_menu(k, "1")
        k.keys("Home")
        k.see("颜色2，共4种。")  # shown in digits, said in words
        k.hears("颜色二，共四种")


class TextSize(KioskTest):
    kiosk_args = {"cols": 132, "rows": 43}  # sizes 1 and 2 fit

    def test_text_size_said_and_shown(self):
        k = self.k.start()
        to_menu(k, "2")
        k.keys("F9")
        shown(k, "Large print is on.")
        k.keys("F10")
        k.wait_for(lambda: k.trace_events("text-size"), "size changed")
        self.assertEqual(k.trace_events("text-size")[-1], "2")
        shown(k, "Text size 2 of 2.")
        k.hears("Text size 2 of 2")
        k.keys("F10")
        shown(k, "Text size 1 of 2.")
        k.hears("Text size 1 of 2")


if __name__ == "__main__":
    unittest.main()
