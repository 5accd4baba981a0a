"""A blind customer transfers money in Chinese with a headset: every key pressed is the
one the speech named, the payee's masked name and the balances are heard (a headset is
in), and the bank's balances show the transfer once."""
import re
import unittest

from kiosklib import KioskTest
from test_fraud_warning import cooling_left
from test_transfer_en import short_cooling_config

PAN = "6222000000000017"     # 张伟: saved payees 李秀英 and 王芳
PIN = "1234"
WANG = "6222000000000033"


def key_for(said, label):
    """The key the speech names for label: "转账，请按3" -> "3"."""
    m = re.search(re.escape(label) + "[，,]\\s*请按\\s*(\\d)", said)
    assert m, "%r is not offered in %r" % (label, said)
    return m.group(1)


class TransferByEar(KioskTest):
    kiosk_args = {"config_text": short_cooling_config()}

    def heard(self, text):
        """Waits for text to be said; the whole utterance that said it."""
        k = self.k
        k.hears(text)
        return next(s for s in reversed(k.spoken()) if text in s)

    def choose(self, label):
        """Presses the key the speech said for label, on the screen last heard."""
        self.k.keys(key_for(self.heard(label + "，请按"), label))

    def to_menu(self):
        """A headset in, the card, Chinese (the digit said with 中文), the PIN."""
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.keys(key_for(self.heard("中文"), "中文"))
        k.hears("请输入密码")
        k.type(PIN)
        k.keys("Enter")
        k.hears("主菜单")
        return k

    def test_to_a_saved_payee(self):
        k = self.to_menu()
        total = k.bank_total()
        self.choose("转账")
        k.in_state("transfer")
        k.hears("今天还可向他人转账五万元")
        self.choose("转给常用收款人")
        k.in_state("transfer_payee")
        # One payee at a time: the masked name and the card's last digits, by ear.
        k.hears("第一位，共两位")
        self.choose("下一位")
        said = self.heard("第二位，共两位")
        # The name as the bank masks it, heard because a headset is in.
        self.assertIn("王*, 尾号零零三三", said)
        self.choose("转给这位收款人")
        k.in_state("transfer_amount")
        k.hears("可用余额五千元")
        k.type("300")
        k.hears("三百元")
        k.keys("Enter")
        self.through_fraud_warning()
        said = self.heard("请确认转账")
        self.assertIn("三百元", said)
        self.assertIn("尾号零零三三", said)
        self.choose("确认转账")
        k.asks("eject-card")
        said = self.heard("转账成功")
        self.assertIn("四千七百元", said)
        self.assertIn("请取回银行卡", said)
        k.device("card-take")
        k.hears("需要打印凭条吗")
        self.choose("需要")
        k.asks("print-receipt")
        said = self.heard("自助转账凭条已打印")
        self.assertIn("尾号零零三三", said)
        self.assertIn("三百元", said)
        k.device("receipt-take")
        k.in_state("goodbye")
        self.assertEqual(k.account(PAN), 470000)
        self.assertEqual(k.account(WANG), 110000)
        self.assertEqual(k.bank_total(), total)
        # Chinese throughout once chosen, and never a PIN.
        spoken = k.spoken()
        after = spoken[spoken.index(next(s for s in spoken if "请输入密码" in s)):]
        for text in after:
            # The kiosk's id (on the receipt) is the only Latin allowed.
            self.assertIsNone(re.search("[A-Za-z]{4,}", text.replace("TEST-K01", "")),
                              text)
        self.assert_no_pin_leak(PIN)

    def through_fraud_warning(self):
        """A payee never paid before: the warning heard, its wait over, and the key it
        names to go on."""
        k = self.k
        said = self.heard("谨防诈骗")
        k.wait_for(lambda: cooling_left(k) == 0, "the cooling-off to end", 15)
        k.keys(key_for(said, "没人让我这样做，继续"))

    def test_card_numbers_read_back_in_groups(self):
        k = self.to_menu()
        self.choose("转账")
        self.choose("转到本行其他银行卡")
        k.in_state("transfer_card")
        k.type("62220000")
        k.hears("六二二二, 零零零零")
        k.type("00000018")
        k.keys("Enter")
        k.hears("这个卡号不对")
        k.type("6222000000000066")
        k.keys("Enter")
        k.hears("本行没有这个卡号的银行卡")


if __name__ == "__main__":
    unittest.main()
