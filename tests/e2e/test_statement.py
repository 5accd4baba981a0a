"""Mini statement: a blind customer hears an account's last transactions line by line in
Chinese, going through them with the arrow keys; an elderly one reads them in large
print, page by page, and prints them. Amounts and balances reach only a headset."""
import calendar
import re
import sqlite3
import unicodedata
import unittest

import test_large_print as lp
from kiosklib import KioskTest

SPEAKS = ("6222000000000033", "1357")  # 王芳, ¥800, prefers speech
READS = ("6222000000000025", "2580")   # 李秀英, prefers large print


def at(month, day):
    """Noon UTC of a day of 2026: the same date in any time zone a kiosk keeps."""
    return calendar.timegm((2026, month, day, 12, 0, 0))


def set_ledger(k, pan, rows, savings=False):
    """The ledger of the card's current (or savings) account becomes rows, each
    (at, kind, amount_fen, balance_after_fen): a known history to read back."""
    con = sqlite3.connect(k.path("bank.db"))
    with con:
        acct = con.execute("SELECT account_id FROM cards WHERE pan = ?", (pan,)).fetchone()[0]
        if savings:
            acct = con.execute("SELECT s.id FROM accounts s JOIN accounts c ON "
                               "s.customer_id = c.customer_id WHERE c.id = ? AND "
                               "s.kind = 'savings'", (acct,)).fetchone()[0]
        con.execute("DELETE FROM ledger WHERE account_id = ?", (acct,))
        con.executemany("INSERT INTO ledger (txid, account_id, kind, amount_fen, "
                        "balance_after_fen, at) VALUES (NULL, ?, ?, ?, ?, ?)",
                        [(acct, kind, amount, after, when) for when, kind, amount, after
                         in rows])
    con.close()


HISTORY = [  # oldest first, as the bank wrote it
    (at(11, 1), "opening", 100000, 100000),
    (at(11, 20), "withdrawal", -20000, 80000),
    (at(12, 1), "withdrawal", -20000, 60000),
    (at(12, 2), "withdrawal", -10000, 50000),
]


def cells(text):
    """Terminal columns of text: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def key_said(said, label, lang="zh"):
    """The key speech names for label: "交易明细，请按4" -> "4"."""
    pattern = re.escape(label) + ("，请按" if lang == "zh" else ", press ") + r"(\d)"
    m = re.search(pattern, said)
    assert m, "%r is not offered in %r" % (label, said)
    return m.group(1)


def last_said(k, text):
    return [s for s in k.spoken() if text in s][-1]


class ByEar(KioskTest):
    def test_lines_one_by_one_in_chinese(self):
        k = self.k.start()
        set_ledger(k, SPEAKS[0], HISTORY)
        k.headset_in()
        k.insert(SPEAKS[0])
        k.hears("中文")
        k.keys(key_said(last_said(k, "中文"), "中文"))
        k.hears("请输入密码")
        k.type(SPEAKS[1])
        k.keys("Enter")
        k.hears("主菜单")
        k.keys(key_said(last_said(k, "主菜单"), "交易明细"))
        k.hears("请选择要查看的账户")
        k.keys(key_said(last_said(k, "请选择要查看的账户"), "活期账户（本卡账户）"))

        # The screen: the heading, the newest line in words, how to go on.
        k.hears("活期账户交易明细")
        said = last_said(k, "活期账户交易明细")
        self.assertIn("最近四笔交易", said)
        self.assertIn("十二月二日，取款，一百元，余额五百元", said)
        self.assertNotIn("十二月一日", said)
        # The table shows them all, newest first, the line being read marked.
        k.see("2026-11-01")
        screen = k.screen()
        self.assertLess(screen.index("2026-12-02"), screen.index("2026-12-01"))
        self.assertRegex(screen, r"▶ 2026-12-02 +取款 +-¥100\.00 +余额¥500\.00")
        self.assertIn("¥1,000.00", screen)
        # A table: each column starts where the one above does.
        rows = [l for l in screen.splitlines() if "2026-1" in l]
        self.assertEqual(len(rows), 4)
        for col in ("2026-1", "余额"):
            self.assertEqual(len({cells(r[:r.index(col)]) for r in rows}), 1, rows)

        # NEXT: the line after, with its place; the mark follows.
        k.keys("Down")
        k.hears("十二月一日，取款，二百元，余额六百元，第二项，共四项")
        k.wait_for(lambda: re.search(r"▶ 2026-12-01", k.screen()), "the mark on line 2")
        k.keys("Down")
        k.hears("十一月二十日，取款，二百元，余额八百元，第三项")
        # PREVIOUS goes back a line, REPEAT says it again.
        k.keys("Up")
        k.wait_for(lambda: k.spoken().count("十二月一日，取款，二百元，余额六百元，第二项，共四项")
                   == 2, "line 2 again")
        k.keys("*")
        k.wait_for(lambda: k.spoken().count("十二月一日，取款，二百元，余额六百元，第二项，共四项")
                   == 3, "line 2 repeated")
        self.assertEqual(k.trace_events("statement-line"),
                         ["2 of 4", "3 of 4", "2 of 4", "2 of 4"])
        # The last line is the opening, then round to the newest.
        k.keys("Down", "Down")
        k.hears("十一月一日，")
        k.keys("Down")
        k.hears("十二月二日，取款，一百元，余额五百元，第一项，共四项")

        # Printed: the whole table, the card masked; said and shown.
        k.keys(key_said(last_said(k, "活期账户交易明细"), "打印明细"))
        printed = k.asks("print-receipt")
        for text in ("交易明细", "2026-12-02", "-¥100.00", "2026-11-01", "¥1,000.00",
                     "**** 0033"):
            self.assertIn(text, printed)
        self.assertNotIn(SPEAKS[0], printed)
        self.assertNotIn("▶", printed)
        k.hears("明细已打印")
        k.see("明细已打印")
        k.device("receipt-take")
        self.assertIn("statement-printed", [e for e, _ in k.journal()])
        k.keys(key_said(last_said(k, "活期账户交易明细"), "返回主菜单"))
        k.in_state("menu")

    def test_savings_through_the_loudspeaker(self):
        k = self.k.start()
        set_ledger(k, SPEAKS[0], HISTORY[:1] + [(at(12, 3), "withdrawal", -30000, 290000)],
                   savings=True)
        k.keys("F12")  # speech through the loudspeaker, no headset
        k.sign_in(SPEAKS[0], SPEAKS[1], lang_key="1")
        k.keys("4")
        k.in_state("statement")
        k.keys("2")
        k.hears("储蓄账户交易明细")
        said = last_said(k, "储蓄账户交易明细")
        # What and when, said; how much, only to a headset.
        self.assertIn("十二月三日，取款，请插入耳机收听，余额请插入耳机收听", said)
        k.keys("Down")
        k.hears("十一月一日")
        for s in k.spoken():
            self.assertNotIn("三百元", s)
            self.assertNotIn("二千九百元", s)
        # On the screen for the customer in front of it.
        k.see("¥2,900.00")


class LargePrint(KioskTest):
    def test_pages_and_printing_in_english(self):
        k = self.k.start()
        set_ledger(k, READS[0], HISTORY)
        lp.to_menu(k)
        k.keys("4")
        k.in_state("statement")
        k.keys("1")
        k.in_state("statement_lines")
        # Too long for one large page: the page line, and pages turned by 0.
        k.see("Page 1 of")
        pages = int(re.search(r"Page 1 of (\d+)", k.screen()).group(1))
        self.assertGreater(pages, 1)
        seen = set()
        for page in range(2, pages + 1):
            k.keys("0")
            k.see("Page %d of %d" % (page, pages))
            for date in ("2026-12-02", "2026-12-01", "2026-11-20", "2026-11-01"):
                if lp.shows_big(k, date):
                    seen.add(date)
        self.assertEqual(seen, {"2026-12-02", "2026-12-01", "2026-11-20", "2026-11-01"})
        k.keys("0")
        k.see("Page 1 of %d" % pages)
        self.assertEqual(k.state(), "statement_lines")
        # The arrows move the mark a line at a time, and the page follows it.
        k.keys("Down")
        k.wait_for(lambda: lp.shows_big(k, "2026-12-01"), "the page of line 2")
        self.assertFalse(lp.shows_big(k, "2026-11-20"))
        k.keys("Down")
        k.wait_for(lambda: lp.shows_big(k, "2026-11-20"), "the page of line 3")
        k.keys("Up", "Up")
        k.wait_for(lambda: lp.shows_big(k, "2026-12-02"), "the page of line 1")
        self.assertEqual(k.trace_events("statement-line"),
                         ["2 of 4", "3 of 4", "2 of 4", "1 of 4"])
        # Printed, and the screen says so.
        k.keys("1")
        printed = k.asks("print-receipt")
        for text in ("Mini statement", "Withdrawal", "2026-12-01", "-¥200.00",
                     "balance ¥600.00", "**** 0025"):
            self.assertIn(text, printed)
        k.wait_for(lambda: "Your statement is printed" in k.trace_events("screen")[-1],
                   "the printed notice on the screen")
        # In normal print the whole table fits one 80x24 screen, nothing cut off.
        k.keys("F9")
        k.see("2026-11-01")
        k.see("2026-12-02")
        self.assertEqual(k.trace_events("cut-off"), [])


if __name__ == "__main__":
    unittest.main()
