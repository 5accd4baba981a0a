"""A blind customer withdraws cash in Chinese with a headset, by ear and keypad."""
import re
import unittest

from kiosklib import KioskTest, field

PAN = "6222000000000033"
PIN = "1357"


class SpeechChinese(KioskTest):
    def test_withdraw_by_ear(self):
        k = self.k.start()
        k.see("请插入银行卡")
        k.headset_in()
        k.hears("请插入银行卡")
        k.insert(PAN)
        # Each language is offered in its own language, with its digit.
        k.hears("中文")
        k.hears("English")
        k.keys("1")
        k.hears("请输入密码")
        for d in PIN:
            k.keys(d)
        k.keys("Enter")
        k.hears("主菜单")
        said = k.spoken()[-1]
        self.assertIn("查询余额", said)
        self.assertRegex(said, "查询余额.{0,4}请按\\s*1")
        k.keys("1")
        k.hears("八百元")
        k.see("¥800.00")
        k.keys("Enter")
        k.hears("主菜单")
        k.keys("2")
        k.hears("200元")
        k.keys("2")
        k.hears("请确认取款")
        k.keys("1")
        k.asks("eject-card")
        k.hears("请取回银行卡")
        k.device("card-take")
        k.asks("dispense 200")
        k.device("cash-take")
        k.hears("需要打印凭条吗")
        k.keys("2")
        k.in_state("goodbye")
        self.assertEqual(k.balance(PAN), 60000)

        # Nothing was spoken in English while the screens were Chinese, after the choice.
        spoken = k.spoken()
        after = spoken[spoken.index(next(s for s in spoken if "请输入密码" in s)):]
        for text in after:
            self.assertIsNone(re.search("[A-Za-z]{4,}", text), text)
        # Every PIN digit was the same word, never the digit itself.
        pin_states = [rest for rest in k.trace_events("key") if "state=pin" in rest]
        self.assertEqual([r.split()[0] for r in pin_states][:4], ["digit"] * 4)
        self.assert_no_pin_leak(PIN)
        # Speech really played: the WAV holds audio.
        self.assertGreater(len(k.trace_events("audio-first")), 5)

    def test_key_stops_speech(self):
        k = self.k.start()
        k.headset_in()
        k.hears("请插入银行卡")
        k.insert(PAN)
        k.hears("请选择语言")
        k.keys("2")
        k.hears("Enter your PIN")
        # A key press while the PIN screen is still being read stops it.
        k.keys("5")
        k.wait_for(lambda: any("Enter your PIN" in (field(r, "text") or "")
                               for r in k.trace_events("speech-stop")),
                   "the PIN screen's speech to stop")
        self.assertNotIn("Enter your PIN", "".join(
            field(r, "text") or "" for r in k.trace_events("speech-done")))


if __name__ == "__main__":
    unittest.main()
