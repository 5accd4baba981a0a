"""Large print as an elderly customer meets it: switched on by the card or a key, every
text big from the fonts, long screens in pages, the simple menu, themes, resizing, and
golden captures of the main screens."""
import os
import re
import subprocess
import unittest

from kiosklib import BIN, CONFIG, SRC, Kiosk, KioskTest, assert_golden

PAN = "6222000000000025"  # prefers large print
PIN = "2580"
OTHER = "6222000000000017"
BLOCKS = set("▀▄█")


def big(text, width, size=1):
    """The rows lp-show draws for text: what the kiosk must show for it."""
    out = subprocess.run([os.path.join(BIN, "lp-show"), "-s", str(size), "-w", str(width),
                          text], capture_output=True, text=True, check=True).stdout
    rows = [l.rstrip() for l in out.splitlines()]
    while rows and not rows[0].strip():
        rows.pop(0)
    while rows and not rows[-1].strip():
        rows.pop()
    return rows


def shows_big(k, text, width=77):
    screen = [l.rstrip() for l in k.screen().splitlines()]
    rows = big(text, width)
    return _in_order(screen, rows)


def _in_order(screen, rows):
    """rows appear on consecutive screen lines, as one block."""
    for i in range(len(screen) - len(rows) + 1):
        if all(rows[j].strip() in screen[i + j] for j in range(len(rows))):
            return True
    return False


def has_blocks(k):
    return any(c in BLOCKS for c in k.screen())


def to_menu(k, lang_key="2"):
    k.insert(PAN)
    k.wait_for(lambda: k.trace_events("large-print"), "large print from the card")
    k.keys(lang_key)
    k.in_state("pin")
    k.type(PIN)
    k.keys("Enter")
    k.in_state("menu")


def last_screen(k):
    return k.trace_events("screen")[-1]


class SwitchingOn(KioskTest):
    def test_the_card_and_the_key(self):
        k = self.k.start()
        # The hint is on the welcome screen, read by anyone walking up.
        k.see("Large print: press F9")
        k.see("大字显示请按F9")
        k.wait_for(lambda: shows_big(k, "大字 F9"), "the hint drawn big")
        k.insert(PAN)
        k.wait_for(lambda: k.trace_events("large-print"), "large print from the card")
        k.wait_for(lambda: has_blocks(k), "big glyphs")
        self.assertNotIn("Choose a language", k.screen())
        # F9 switches it off and on again.
        k.keys("F9")
        k.see("Choose a language")
        self.assertFalse(has_blocks(k))
        k.keys("F9")
        k.wait_for(lambda: has_blocks(k), "big glyphs again")
        # The next customer starts in normal print, and can ask for it at welcome.
        k.keys("Escape")
        k.device("card-take")
        k.in_state("welcome")
        k.see("Please insert your card")
        k.insert(OTHER)
        k.in_state("language")
        k.see("Choose a language")
        self.assertEqual(len(k.trace_events("large-print")), 3)
        k.keys("F9")
        k.wait_for(lambda: has_blocks(k), "large print by the key")


class Pages(KioskTest):
    def test_long_screens_page_shown_and_spoken(self):
        k = self.k.start()
        k.headset_in()
        to_menu(k)
        k.see("Page 1 of")
        k.hears("Page 1 of")
        pages = int(re.search(r"Page 1 of (\d+)", k.screen()).group(1))
        self.assertGreater(pages, 1)
        first = k.screen()
        k.keys("0")
        k.see("Page 2 of %d" % pages)
        k.hears("Page 2 of %d" % pages)
        self.assertNotEqual(first, k.screen())
        for _ in range(pages - 1):
            k.keys("0")
        k.see("Page 1 of %d" % pages)
        # 0 turned pages and chose nothing.
        self.assertEqual(k.state(), "menu")

    def test_typed_digits_are_on_every_page(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.wait_for(lambda: k.trace_events("large-print"), "large print from the card")
        k.keys("2")
        k.in_state("pin")
        # 0 is a PIN digit here: the down arrow turns the page, and the page line says so.
        k.see("More: press the down arrow")
        k.hears("More: press the down arrow")
        k.type("25")
        k.wait_for(lambda: shows_big(k, "[**]"), "the stars on page 1")
        k.keys("Down")
        k.see("Page 2 of")
        k.wait_for(lambda: shows_big(k, "[**]"), "the stars on page 2")
        k.type("80")
        k.keys("Enter")
        k.in_state("menu")
        self.assert_no_pin_leak(PIN)

    def test_every_line_is_on_some_page(self):
        k = self.k.start()
        to_menu(k)
        k.keys("2")
        k.in_state("withdraw")
        k.keys("9")  # all the amounts, not only the simple ones
        k.wait_for(lambda: k.trace_events("simple-more"), "all the choices")
        k.see("Page 1 of")
        pages = int(re.search(r"Page 1 of (\d+)", k.screen()).group(1))
        seen = []
        for _ in range(pages):
            seen.append(k.screen())
            k.keys("0")
            k.wait_for(lambda: k.screen() != seen[-1], "the next page")
        # Each choice's line, drawn big, is on one of the pages, whole.
        # ("6 Other amount" is wider than the screen: its two lines may be on two pages.)
        for text in ("1 ¥100", "2 ¥200", "5 ¥2,000", "6 Other", "amount"):
            rows = big(text, 77)
            self.assertTrue(any(_in_order([l.rstrip() for l in s.splitlines()], rows)
                                for s in seen), "%r not drawn whole" % text)


class SimpleMenu(KioskTest):
    def test_simple_choices_then_all(self):
        k = self.k.start()
        k.headset_in()
        to_menu(k)
        k.keys("2")
        k.in_state("withdraw")
        k.hears("More choices, press 9")
        said = k.spoken()[-1]
        self.assertIn("500 yuan, press 3", said)
        self.assertNotIn("200 yuan", said)
        # A key the simple menu does not show does nothing.
        k.keys("2")
        self.assertEqual(k.state(), "withdraw")
        k.keys("9")
        k.wait_for(lambda: "200 yuan, press 2" in k.spoken()[-1], "all the choices")
        k.keys("3")
        k.in_state("confirm")
        # The amount is confirmed in big digits, and said.
        k.hears("500 yuan")
        found = False
        for _ in range(8):
            if shows_big(k, "Amount: ¥500.00"):
                found = True
                break
            before = k.screen()
            k.keys("0")
            k.wait_for(lambda: k.screen() != before, "the next page")
        self.assertTrue(found, "the amount in big digits")


class Fonts(KioskTest):
    def test_chinese_title_from_unifont(self):
        k = self.k.start()
        k.insert(PAN)
        k.wait_for(lambda: k.trace_events("large-print"), "large print")
        # The first line of the language screen: its Chinese title, in Unifont's glyphs.
        k.wait_for(lambda: shows_big(k, "请选择语言"), "请选择语言 drawn from Unifont")


class MissingFont(unittest.TestCase):
    def test_falls_back_with_a_notice(self):
        text = CONFIG.format(src=SRC, idle=60, warning=20, pin=90, take=30,
                             speech_percent=100)
        text += "large_print:\n  font: no-such-unifont.hex\n"
        k = Kiosk(config_text=text)
        self.addCleanup(k.close)
        k.start()
        k.headset_in()
        k.insert(PAN)
        k.hears("The large print font could not be read")
        k.hears("大字字体无法读取")
        # Chinese stays at normal size; Latin and digits are big from the bundled font.
        k.keys("2")
        k.in_state("pin")
        k.wait_for(lambda: has_blocks(k), "large print all the same")
        with open(k.path("kiosk.log")) as f:
            log = f.read()
        self.assertIn("no-such-unifont.hex", log)
        self.assertIn("using the bundled font alone", log)


class Resize(KioskTest):
    def test_redraws_for_the_new_size(self):
        k = self.k.start()
        to_menu(k)
        k.see("Page 1 of")
        small = int(re.search(r"Page 1 of (\d+)", k.screen()).group(1))
        subprocess.run(k.tmux + ["resize-window", "-t", "0", "-x", "132", "-y", "43"],
                       check=True)
        k.wait_for(lambda: "Page 1 of %d" % small not in k.screen(), "redrawn")
        m = re.search(r"Page 1 of (\d+)", k.screen())
        self.assertTrue(m is None or int(m.group(1)) < small, k.screen())
        self.assertTrue(shows_big(k, "Main menu", 129))
        subprocess.run(k.tmux + ["resize-window", "-t", "0", "-x", "80", "-y", "24"],
                       check=True)
        k.see("Page 1 of %d" % small)


class ThemesAndSizes(KioskTest):
    kiosk_args = {"cols": 132, "rows": 43}

    def test_theme_and_size_keys(self):
        k = self.k.start()
        to_menu(k)
        k.keys("Home")
        k.wait_for(lambda: k.trace_events("theme"), "theme changed")
        self.assertEqual(k.trace_events("theme")[-1], "black-on-yellow")
        out = subprocess.run(k.tmux + ["capture-pane", "-p", "-e", "-t", "0"],
                             capture_output=True, text=True, check=True).stdout
        self.assertRegex(out, r"\x1b\[(?:[0-9;]*;)?(43|103)m", "a yellow background")
        k.keys("F10")
        k.wait_for(lambda: k.trace_events("text-size"), "size changed")
        self.assertEqual(k.trace_events("text-size")[-1], "2")
        # "Text size 2 of 2.", first on the page: its first line at size 2.
        k.wait_for(lambda: shows_big_size(k, "Text", 129, 2), "size 2")


class Terminals(unittest.TestCase):
    """The Linux console and a plain 8-colour terminal: the theme's basic colours."""

    def run_on(self, term):
        k = Kiosk()
        self.addCleanup(k.close)
        k.start(env="TERM=" + term)
        k.insert(PAN)
        k.wait_for(lambda: has_blocks(k), "large print on " + term)
        k.keys("Home")
        k.wait_for(lambda: k.trace_events("theme"), "theme changed")
        # The new colours' notice comes first on the page.
        k.wait_for(lambda: shows_big(k, "颜色2，共4种。"), "still drawn on " + term)
        out = subprocess.run(k.tmux + ["capture-pane", "-p", "-e", "-t", "0"],
                             capture_output=True, text=True, check=True).stdout
        self.assertRegex(out, r"\x1b\[(?:[0-9;]*;)?(43|103)m", "a yellow background")

    def test_linux_console(self):
        self.run_on("linux")

    def test_eight_colours(self):
        # screen: 8 colours, no init_color; and tmux sends it the keys it expects.
        self.run_on("screen")


def shows_big_size(k, text, width, size):
    screen = [l.rstrip() for l in k.screen().splitlines()]
    return _in_order(screen, big(text, width, size))


class Golden(unittest.TestCase):
    """The first page of the main screens, as the terminal shows them, against files in
    tests/e2e/golden (KIOSK_GOLDEN_UPDATE=1 rewrites them)."""

    def capture(self, cols, rows, lang_key, lang):
        k = Kiosk(cols=cols, rows=rows)
        self.addCleanup(k.close)
        k.start()
        k.insert(PAN)
        k.wait_for(lambda: k.trace_events("large-print"), "large print")
        shots = {}

        def shot(name):
            before = len(k.trace_events("screen"))
            k.wait_for(lambda: has_blocks(k), "drawn")
            shots[name] = k.screen()
            return before

        k.wait_for(lambda: k.state() == "language", "language")
        shot("language")
        k.keys(lang_key)
        k.in_state("pin")
        k.type(PIN[:2])
        k.wait_for(lambda: "**" in last_screen(k), "two stars")
        shot("pin")
        k.type(PIN[2:])
        k.keys("Enter")
        k.in_state("menu")
        shot("menu")
        k.keys("2")
        k.in_state("withdraw")
        shot("withdraw")
        k.keys("3")
        k.in_state("confirm")
        shot("confirm")
        for name, text in shots.items():
            self.compare("%s-%dx%d-%s" % (lang, cols, rows, name), text)

    def compare(self, name, text):
        assert_golden(self, name, text)

    def test_zh_80x24(self):
        self.capture(80, 24, "1", "zh")

    def test_en_80x24(self):
        self.capture(80, 24, "2", "en")

    def test_zh_132x43(self):
        self.capture(132, 43, "1", "zh")

    def test_en_132x43(self):
        self.capture(132, 43, "2", "en")


if __name__ == "__main__":
    unittest.main()
