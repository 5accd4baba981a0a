"""The kiosk's terminal goes away (its window closed, its input at an end): the kiosk
stops as on SIGTERM, says why in its log and journal, and a withdrawal in flight is
settled as after any stop. SIGTERM stops it promptly whichever of its threads the
signal reaches."""
import os
import signal
import unittest

from kiosklib import KioskTest

PAN = "6222000000000017"
# Polling bound for a stop: a hang never ends, and a sanitizer build's exit (its leak
# check) on a machine busy with fuzzers took more than 5 s.
STOP = 20


def proc_field(pid, n):
    """Field n after the command of /proc/PID/stat (0: the state, 1: the parent), or
    None once the process is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[n]
    except (OSError, IndexError):
        return None


class TerminalLost(KioskTest):
    def assert_stopped_for(self, why, log_line):
        k = self.k
        self.assertIn(log_line, k.log())
        self.assertIn("kiosk stopped", k.log())
        event, fields = k.journal()[-1]
        self.assertEqual((event, fields.get("why")), ("stop", why))

    def test_window_closed_during_a_withdrawal(self):
        k = self.k.start()
        k.sign_in(PAN, "1234")
        k.keys("2")
        k.see("Withdraw cash")
        k.keys("3")
        k.see("Amount: ¥500.00")
        k.keys("1")
        k.asks("eject-card")
        self.assertEqual(k.holds("held"), 1)
        k.kiosk_gone(k.lose_terminal(), STOP)
        self.assert_stopped_for("terminal", "terminal went away")
        # No cash left the machine: the next start gives the held money back, once.
        k.restart()
        k.wait_for(lambda: k.holds("reversed") == 1, "the hold to be reversed")
        self.assertEqual(k.holds("held"), 0)
        self.assertEqual(k.balance(PAN), 500000)

    def test_sigterm_after_the_terminal_went(self):
        k = self.k.start()
        k.insert(PAN)
        pid = k.kiosk_pid()
        shell = int(proc_field(pid, 1))
        # Stopped, the kiosk finds both its terminal gone and a SIGTERM when it goes on.
        os.kill(pid, signal.SIGSTOP)
        k.lose_terminal()
        # The shell's end leaves the kiosk alone in its process group, which the kernel
        # may then continue itself: a SIGCONT later, during a sanitizer build's exit
        # check, would undo that check's own stop of the threads and hang it.
        k.wait_for(lambda: proc_field(shell, 0) in (None, "Z"), "the pane's shell to end")
        os.kill(pid, signal.SIGTERM)
        if proc_field(pid, 0) == "T":
            os.kill(pid, signal.SIGCONT)
        k.kiosk_gone(pid, STOP)
        self.assertIn("kiosk stopped", k.log())
        event, fields = k.journal()[-1]
        self.assertEqual(event, "stop")
        self.assertIn(fields.get("why"), ("terminal", "SIGTERM"))

    def test_input_at_its_end(self):
        # Reads that return end of file at once, as from a terminal that is no more.
        k = self.k.start(extra_args="< /dev/null")
        self.assertEqual(k.kiosk_exit(STOP), 0)
        self.assert_stopped_for("terminal", "terminal went away")

    def test_sigterm_reaching_another_thread(self):
        k = self.k.start()
        pid = k.kiosk_pid()
        others = [int(t) for t in os.listdir("/proc/%d/task" % pid) if int(t) != pid]
        self.assertTrue(others, "the kiosk runs its speech in a thread of its own")
        # kill(2) of a thread's id: the signal is taken by that thread.
        os.kill(others[0], signal.SIGTERM)
        self.assertEqual(k.kiosk_exit(STOP), 0)
        self.assert_stopped_for("SIGTERM", "stopping on SIGTERM")


if __name__ == "__main__":
    unittest.main()
