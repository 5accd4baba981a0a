"""A kiosk with side keys beside its screen: the layouts put the main menu and the fast
cash amounts on F1-F8, and kiosk.yaml says where those keys are. Each item must be drawn
level with its key, in normal and in large print, at any terminal size; the customer
presses the key beside the words and gets what the words say."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from kiosklib import CONFIG, SRC, Kiosk, assert_golden
from test_large_print import big, has_blocks, last_screen

PAN = "6222000000000017"
PIN = "1234"
LARGE_PAN = "6222000000000025"  # prefers large print
LARGE_PIN = "2580"

# Four keys a side, their centres at 35, 50, 65 and 80 % of the screen's height.
FUNCTION_KEYS = """\
function_keys:
  F1: { side: left, at_percent: 35 }
  F2: { side: left, at_percent: 50 }
  F3: { side: left, at_percent: 65 }
  F4: { side: left, at_percent: 80 }
  F5: { side: right, at_percent: 35 }
  F6: { side: right, at_percent: 50 }
  F7: { side: right, at_percent: 65 }
  F8: { side: right, at_percent: 80 }
"""
PERCENT = {"F1": 35, "F2": 50, "F3": 65, "F4": 80,
           "F5": 35, "F6": 50, "F7": 65, "F8": 80}

# The shipped layouts with their items moved to side keys.
MOVES = {"menu.yaml": {"1": "F1", "2": "F5"},
         "withdraw.yaml": {"1": "F1", "2": "F2", "3": "F3", "4": "F4", "5": "F5",
                           "6": "F8"}}


def key_row(key, rows):
    """The row level with the key's centre, rounded as the kiosk rounds it."""
    return min((PERCENT[key] * rows + 50) // 100, rows - 1)


def side_layouts():
    d = tempfile.mkdtemp(prefix="kiosk-side-keys-")
    shutil.copytree(os.path.join(SRC, "layouts"), os.path.join(d, "layouts"))
    for name, moves in MOVES.items():
        path = os.path.join(d, "layouts", name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for digit, fkey in moves.items():
            text, n = re.subn(r"(?m)^(\s*- key: )%s$" % digit, r"\g<1>%s" % fkey, text)
            assert n == 1, "%s: key %s not found" % (name, digit)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return d


def side_kiosk(test, cols=80, rows=24, keys=FUNCTION_KEYS):
    d = side_layouts()
    test.addCleanup(shutil.rmtree, d, True)
    config = CONFIG.format(src=SRC, idle=60, warning=20, pin=90, take=30,
                           speech_percent=100)
    config = config.replace("layouts: %s/layouts" % SRC,
                            "layouts: %s/layouts" % d) + keys
    k = Kiosk(cols=cols, rows=rows, config_text=config)
    test.addCleanup(k.close)
    return k


def lines(k):
    rows = k.screen().split("\n")
    return rows + [""] * (k.rows - len(rows))


def beside(k, key, label):
    """label is on the row level with key, against its edge, with a pointer at the key."""
    row = lines(k)[key_row(key, k.rows)].rstrip()
    if key in ("F1", "F2", "F3", "F4"):
        return row.startswith("◄ %s" % key) and label in row
    return row.endswith("%s ►" % key) and label in row and len(row) == k.cols


def normal_menu(test, keys=FUNCTION_KEYS):
    """A customer at the main menu in English, in normal print."""
    k = side_kiosk(test, keys=keys)
    k.start()
    k.insert(PAN)
    k.keys("2")
    k.in_state("pin")
    k.type(PIN)
    k.keys("Enter")
    k.in_state("menu")
    return k


class NormalPrint(unittest.TestCase):
    def test_choices_beside_their_keys(self):
        k = normal_menu(self)
        k.wait_for(lambda: beside(k, "F1", "Balance"), "Balance beside F1")
        self.assertTrue(beside(k, "F5", "Withdraw cash"), k.screen())
        # The right-hand label ends against its key: "Withdraw cash F5 ►".
        self.assertRegex(lines(k)[key_row("F5", 24)], r"Withdraw cash +F5 ►$")
        k.keys("F5")
        k.in_state("withdraw")
        for key, label in (("F1", "¥100"), ("F2", "¥200"), ("F3", "¥500"),
                           ("F4", "¥1,000"), ("F5", "¥2,000"), ("F8", "Other amount")):
            k.wait_for(lambda: beside(k, key, label), "%s beside %s" % (label, key))
        # The prompt and the title are still there, on rows of their own.
        k.see("Press CANCEL to take your card")
        self.assertEqual(k.trace_events("cut-off"), [])
        # Pressing the key beside ¥200 takes ¥200.
        k.keys("F2")
        k.see("Amount: ¥200.00")
        k.keys("1")
        k.asks("eject-card")
        k.device("card-take")
        self.assertEqual(k.asks("dispense"), "dispense 200")
        k.device("cash-take")
        k.see("Would you like a receipt?")
        k.keys("2")
        k.in_state("welcome")
        self.assertEqual(k.balance(PAN), 480000)

    def test_a_key_where_nothing_can_be_drawn_is_logged(self):
        # F8 at 100 % is level with the bottom row, which the warnings keep.
        k = normal_menu(self, FUNCTION_KEYS.replace("F8: { side: right, at_percent: 80 }",
                                                    "F8: { side: right, at_percent: 100 }"))
        self.assertEqual(k.trace_events("cut-off"), [])
        k.keys("F5")
        k.in_state("withdraw")
        k.see("Other amount")
        k.wait_for(lambda: k.trace_events("cut-off"), "the screen drawn off its key")
        self.assertIn("off-key=1", k.trace_events("cut-off")[0])
        drawn = len(k.trace_events("screen"))
        subprocess.run(k.tmux + ["resize-window", "-t", "0", "-x", "90", "-y", "24"],
                       check=True)
        k.wait_for(lambda: len(k.trace_events("screen")) > drawn, "drawn again")
        # Once a screen, not on every redraw.
        self.assertEqual(len(k.trace_events("cut-off")), 1)
        with open(k.path("kiosk.log"), encoding="utf-8") as f:
            self.assertEqual(f.read().count("could not be drawn level with their side"), 1)

    def test_rows_follow_a_resize(self):
        k = normal_menu(self)
        k.wait_for(lambda: beside(k, "F1", "Balance"), "Balance beside F1")
        subprocess.run(k.tmux + ["resize-window", "-t", "0", "-x", "132", "-y", "43"],
                       check=True)
        k.cols, k.rows = 132, 43
        k.wait_for(lambda: beside(k, "F1", "Balance") and beside(k, "F5", "Withdraw"),
                   "rows 15 at 132x43")
        self.assertFalse(lines(k)[8].startswith("◄"), k.screen())


def large_menu(test, lang_key, cols=80, rows=24):
    k = side_kiosk(test, cols, rows)
    k.start()
    k.insert(LARGE_PAN)
    k.wait_for(lambda: k.trace_events("large-print"), "large print from the card")
    k.keys(lang_key)
    k.in_state("pin")
    k.type(LARGE_PIN)
    k.keys("Enter")
    k.in_state("menu")
    k.wait_for(lambda: has_blocks(k), "big glyphs")
    return k


def covers(k, key, text):
    """The big rows of text are drawn as one block across the row level with key."""
    return at_row(k, key, big(text, 76), lambda want, row: want.strip() in row)


def at_row(k, key, want, match):
    screen, row = lines(k), key_row(key, k.rows)
    for top in range(max(0, row - len(want) + 1), row + 1):
        if all(match(want[j], screen[top + j]) for j in range(len(want))):
            return True
    return False


def pointer_at(k, key):
    """A big arrow against the key's edge, across its row, points at the key."""
    if key in ("F1", "F2", "F3", "F4"):
        return at_row(k, key, big("◀", 76), lambda want, row: want.strip() in row[:12])
    return at_row(k, key, big("▶", 76), lambda want, row: want.strip() in row[-12:])


def page(k):
    """The page shown; 1 on a screen that has only the one."""
    m = re.search(r"第(\d+)页|Page (\d+)", k.screen())
    return int(m.group(1) or m.group(2)) if m else 1


def page_with(k, key):
    """Turns the pages with 0 until the one with key's pointer; its number, or None."""
    for _ in range(10):
        if pointer_at(k, key):
            return page(k)
        before = k.screen()
        k.keys("0")
        k.wait_for(lambda: k.screen() != before, "the next page")
    return None


class LargePrint(unittest.TestCase):
    def test_items_level_with_their_keys(self):
        k = large_menu(self, "1")
        # A big line is 8 rows tall, centred on its key's row, against the key's edge,
        # with a big arrow at the key in place of the key's name.
        self.assertIsNotNone(page_with(k, "F5"), k.screen())
        self.assertTrue(covers(k, "F5", "取款▶"), k.screen())
        self.assertTrue(all(len(r.rstrip()) <= 78 for r in lines(k)[:-1]), k.screen())
        self.assertIsNotNone(page_with(k, "F1"), k.screen())
        self.assertTrue(covers(k, "F1", "◀查询余额"), k.screen())
        self.assertFalse(pointer_at(k, "F5"), k.screen())
        # The key beside the words does what they say.
        k.keys("F1")
        k.in_state("balance")

    def test_every_simple_amount_beside_its_key(self):
        # English at 80x24: the simple amounts are on F1, F3 and F4, at 35, 65 and 80 %.
        k = large_menu(self, "2")
        k.keys("F5")
        k.in_state("withdraw")
        for key, label in (("F1", "◀¥100"), ("F3", "◀¥500"), ("F4", "◀¥1,000")):
            self.assertIsNotNone(page_with(k, key), "%s: no page\n%s" % (key, k.screen()))
            self.assertTrue(covers(k, key, label), k.screen())
            # ¥200 on F2 is not in the simple menu: no arrow may point at F2.
            self.assertFalse(pointer_at(k, "F2"), k.screen())
        k.keys("F4")
        k.in_state("confirm")
        k.wait_for(lambda: "¥1,000.00" in last_screen(k), "the amount to confirm")

    def test_the_page_follows_the_item_heard(self):
        k = large_menu(self, "1")
        self.assertEqual(page(k), 1)
        k.headset_in()
        # No key pressed: as speech reaches each item, its page is shown.
        k.wait_for(lambda: pointer_at(k, "F1"), "the page of the first item, heard")
        k.wait_for(lambda: pointer_at(k, "F5"), "the page of the second item, heard")
        self.assertGreaterEqual(len(k.trace_events("page")), 2)

    def test_the_page_follows_the_focus(self):
        k = large_menu(self, "1")
        self.assertEqual(page(k), 1)
        self.assertFalse(pointer_at(k, "F1") or pointer_at(k, "F5"), k.screen())
        k.keys("Down")
        k.wait_for(lambda: pointer_at(k, "F1"), "the page of the item in focus")
        self.assertGreater(page(k), 1)
        k.keys("Down")
        k.wait_for(lambda: pointer_at(k, "F5"), "the page of the next item")
        k.keys("Enter")
        k.in_state("withdraw")


class SideKeyGolden(unittest.TestCase):
    """Screens with their items beside the keys, against golden files."""

    def test_zh_80x24(self):
        k = large_menu(self, "1")
        self.assertIsNotNone(page_with(k, "F5"))
        assert_golden(self, "side-keys-zh-80x24-menu", k.screen())

    def test_en_132x43(self):
        k = large_menu(self, "2", 132, 43)
        self.assertIsNotNone(page_with(k, "F5"))
        assert_golden(self, "side-keys-en-132x43-menu", k.screen())

    def test_en_80x24(self):
        k = normal_menu(self)
        k.keys("F5")
        k.in_state("withdraw")
        k.wait_for(lambda: beside(k, "F8", "Other amount"), "drawn")
        assert_golden(self, "side-keys-en-80x24-withdraw", k.screen())


if __name__ == "__main__":
    unittest.main()
