"""Help, describe-key mode, the headset orientation, moving through the items, the item
being heard on screen and blanking: what a blind or low-vision customer uses to find
their way, checked by what they hear and see."""
import re
import subprocess
import time
import unittest

from kiosklib import CONFIG, SRC, Kiosk, KioskTest

PAN = "6222000000000017"
PIN = "1234"


def to_menu(k, lang_key="2"):
    k.headset_in()
    k.insert(PAN)
    k.keys(lang_key)
    k.in_state("pin")
    k.type(PIN)
    k.keys("Enter")
    k.in_state("menu")


class Orientation(KioskTest):
    def test_said_when_a_headset_comes_in(self):
        k = self.k.start()
        k.device("headset-in")
        k.see("Using this machine by ear")
        k.see("语音导航说明")
        k.hears("raised dot")
        k.hears("五号键上有凸点")
        # Any key skips it, and the screen underneath is said.
        k.keys("5")
        k.wait_for(lambda: k.trace_events("orientation-skipped"), "skipped")
        k.wait_for(lambda: "Please insert your card" in k.spoken()[-1], "welcome said")
        k.see("Please insert your card")
        self.assertEqual(k.state(), "welcome")

    def test_the_skipping_key_does_nothing_else(self):
        k = self.k.start()
        k.insert(PAN)
        k.in_state("language")
        k.device("headset-in")
        k.hears("Press any key to skip")
        # On the language screen 1 would choose Chinese: here it only skips.
        k.keys("1")
        k.wait_for(lambda: k.trace_events("orientation-skipped"), "skipped")
        k.hears("Choose a language")
        self.assertEqual(k.state(), "language")
        # Once per customer: unplugged and back, the screen is said, not the guide.
        k.device("headset-out")
        k.device("headset-in")
        time.sleep(0.5)
        self.assertEqual(len([o for o in k.trace_events("overlay")
                              if o.startswith("orientation")]), 1)


    def test_a_digit_that_skips_it_on_the_pin_screen_stays_secret(self):
        k = self.k.start()
        k.insert(PAN)
        k.keys("2")
        k.in_state("pin")
        # Plugged in while typing: the first digit only skips the orientation.
        k.device("headset-in")
        k.hears("Press any key to skip")
        k.keys("7")
        k.wait_for(lambda: k.trace_events("orientation-skipped"), "skipped")
        k.hears("Enter your PIN")
        k.see("[  ]")
        keys = [e for e in k.trace_events("key") if e.endswith("state=pin")]
        self.assertTrue(keys and all(e.startswith("digit ") for e in keys), keys)
        k.type(PIN)
        k.keys("Enter")
        k.in_state("menu")
        self.assert_no_pin_leak(PIN)


class Help(KioskTest):
    def test_explains_the_screen_keys_and_settings(self):
        k = self.k.start()
        to_menu(k)
        k.keys("/")
        k.see("This is the main menu")
        k.hears("Press the number of a service")
        k.hears("ENTER confirms, CLEAR deletes")
        # Every setting can be heard without changing it.
        k.hears("Volume 5 of 8, speed 3 of 7")
        # Digits reach the controls, for a keypad without + - PageUp PageDown.
        k.keys("1")
        k.hears("volume 6 of 8")
        k.see("Volume 6 of 8")
        k.keys("4")
        k.hears("speed 2 of 7")
        k.see("speed 2 of 7")
        # 6 says the screen underneath again, for a keypad without the REPEAT key.
        k.keys("6")
        k.wait_for(lambda: "Main menu" in k.spoken()[-1], "the menu said again")
        k.keys("/")
        k.hears("Hear this screen again, press 6")
        # CANCEL leaves help, not the session.
        k.keys("Escape")
        k.wait_for(lambda: "Main menu" in k.spoken()[-1], "the menu said again")
        self.assertEqual(k.state(), "menu")
        self.assertNotIn("eject-card", k.read_device())
        # The settings are the customer's alone, unless they ask for them to be
        # remembered for the card.
        k.keys("Escape")
        k.asks("eject-card")
        k.device("card-take")
        k.in_state("profile")
        k.keys("2")
        k.in_state("goodbye")
        k.in_state("welcome")
        k.insert(PAN)
        k.keys("/")
        k.hears("音量五，共八级；语速三，共七级")

    def test_in_chinese(self):
        k = self.k.start()
        to_menu(k, lang_key="1")
        k.keys("/")
        k.see("帮助")
        k.hears("这是主菜单")
        k.hears("音量五，共八级")


class DescribeKeys(KioskTest):
    def test_keys_say_what_they_do_without_acting(self):
        k = self.k.start()
        to_menu(k)
        k.keys("/")
        k.see("What each key does")
        k.keys("5")
        k.hears("Press any key to hear its name")
        k.keys("2")
        k.hears("2: Withdraw cash")
        k.see("2: Withdraw cash")
        k.keys("8")
        k.hears("8: a number key")
        k.keys("BSpace")
        k.hears("CLEAR: deletes the last digit")
        k.keys("+")
        k.hears("Plus: louder")
        k.keys("F3")
        k.see("F3: does nothing on this screen")
        k.hears("F 3: does nothing on this screen")
        self.assertEqual(k.state(), "menu")
        self.assertFalse(k.trace_events("speech-mode")[1:], "speech untouched")
        self.assertEqual([l for l in k.spoken() if "volume 6" in l], [], "+ did not act")
        # ENTER ends it: back to the menu, said again, nothing chosen.
        k.keys("Enter")
        k.wait_for(lambda: "Main menu" in k.spoken()[-1], "the menu said again")
        self.assertEqual(k.state(), "menu")

    def test_digits_on_the_pin_screen_are_not_typed(self):
        k = self.k.start()
        k.headset_in()
        k.insert(PAN)
        k.keys("2")
        k.in_state("pin")
        k.keys("/", "5")
        k.hears("Press any key to hear its name")
        # A digit is never named here, on screen or aloud: it may be meant for the PIN.
        k.keys("4")
        k.hears("star: a number key")
        k.see("*: a number key")
        self.assertFalse(any("4: a number key" in s for s in k.spoken()))
        k.keys("Escape")
        k.wait_for(lambda: "Enter your PIN" in k.spoken()[-1], "the PIN screen again")
        k.see("[  ]")
        # The PIN still goes in whole afterwards.
        k.type(PIN)
        k.keys("Enter")
        k.in_state("menu")
        self.assert_no_pin_leak(PIN)


class Focus(KioskTest):
    def test_arrows_say_the_item_and_its_position(self):
        k = self.k.start()
        to_menu(k)
        k.keys("Down")
        k.hears("Balance, 1 of 7")
        k.keys("Down")
        k.hears("Withdraw cash, 2 of 7")
        # Marked by an arrow, not only by colour.
        k.wait_for(lambda: re.search(r">\s*\[2\]\s+Withdraw cash", k.screen()), "the arrow")
        k.keys("Down", "Down", "Down", "Down", "Down", "Down")
        k.hears("Balance, 1 of 7")
        k.keys("Up")
        k.wait_for(lambda: k.spoken()[-1].startswith("Cancel this card, 7 of 7"), "round")
        k.keys("Down", "Down")
        k.wait_for(lambda: k.spoken()[-1].startswith("Withdraw cash, 2 of 7"), "again")
        k.keys("Enter")
        k.in_state("withdraw")

    def test_in_chinese(self):
        k = self.k.start()
        to_menu(k, lang_key="1")
        k.keys("Up")
        k.hears("注销银行卡，第七项，共七项")
        k.keys("Up", "Up", "Up", "Up")
        k.hears("转账，第三项，共七项")


class HeardItem(KioskTest):
    def test_the_item_being_heard_is_highlighted(self):
        k = self.k.start()
        to_menu(k)
        k.keys("*")

        def reversed_line(label):
            out = subprocess.run(k.tmux + ["capture-pane", "-p", "-e", "-t", "0"],
                                 capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                if label in line:
                    # Reverse video (SGR 7) switched on before the label.
                    return re.search(r"\x1b\[[0-9;]*\b7m.*" + label, line) is not None
            return False

        k.wait_for(lambda: reversed_line("Balance"), "Balance highlighted while heard")
        k.wait_for(lambda: reversed_line("Withdraw cash") and not reversed_line("Balance"),
                   "then Withdraw cash")
        k.wait_for(lambda: not reversed_line("Withdraw cash") and
                   not reversed_line("Balance"), "no highlight once said")


class Blank(KioskTest):
    def test_blank_screen_while_listening(self):
        k = self.k.start()
        # Without speech a blank screen would leave the customer with nothing.
        k.insert(PAN)
        k.in_state("language")
        k.keys("F11")
        k.wait_for(lambda: k.trace_events("blank-ignored"), "ignored")
        k.see("Choose a language")
        k.keys("2")
        k.in_state("pin")
        k.headset_in()
        k.keys("F11")
        k.hears("The screen is off, to keep your details private")
        k.see("Press F11 to show it again")
        k.wait_for(lambda: "Enter your PIN" not in k.screen(), "the PIN screen hidden")
        k.type(PIN)
        k.keys("Enter")
        k.in_state("menu")
        time.sleep(0.3)
        self.assertNotIn("Zhang Wei", k.screen())
        k.keys("F11")
        k.hears("The screen is on again")
        k.see("Hello, Zhang Wei")
        # Unplugged: the screen comes back for whoever is there.
        k.keys("F11")
        k.wait_for(lambda: "Hello" not in k.screen(), "blank again")
        k.device("headset-out")
        k.see("The headset was unplugged")
        k.see("Main menu")


class BlankFromConfig(unittest.TestCase):
    def test_kiosk_yaml_blanks_speech_mode(self):
        text = CONFIG.format(src=SRC, idle=60, warning=20, pin=90, take=30,
                             speech_percent=100) + "blank_screen: true\n"
        k = Kiosk(config_text=text)
        self.addCleanup(k.close)
        k.start()
        k.see("Please insert your card")
        k.headset_in()
        k.wait_for(lambda: "Please insert your card" not in k.screen(), "blanked")
        k.see("Press F11 to show it again")
        k.keys("F11")
        k.hears("The screen is on again")
        k.see("Please insert your card")


if __name__ == "__main__":
    unittest.main()
