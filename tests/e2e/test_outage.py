"""An adapter that is not running: a spoken and shown out-of-service screen that recovers
by itself; a card inserted meanwhile comes straight back."""
import unittest

from kiosklib import KioskTest


class Outage(KioskTest):
    kiosk_args = {"start_bank": False}

    def test_out_of_service_recovers(self):
        k = self.k.start()
        k.headset_in()
        k.see("暂停服务")
        k.in_state("out_of_service")
        k.hears("out of service")
        k.hears("暂停服务")
        k.insert("6222000000000017")
        k.asks("eject-card")
        k.device("card-take")
        # The pager hears why a customer wants a person here.
        k.in_state("out_of_service")
        k.keys("IC")
        k.asks("call-staff out_of_service")
        k.in_state("staff_called")
        k.keys("1")
        k.in_state("out_of_service")
        k.start_bank()
        k.see("Please insert your card", timeout=20)
        k.in_state("welcome")

    def test_adapter_dies_mid_session(self):
        k = self.k
        k.start_bank()
        k.start()
        k.insert("6222000000000017")
        k.keys("2")
        k.in_state("pin")
        k.stop_bank()
        k.type("1234")
        k.keys("Enter")
        k.asks("eject-card")
        k.see("Temporarily out of service")
        k.device("card-take")
        k.in_state("out_of_service", timeout=20)


if __name__ == "__main__":
    unittest.main()
