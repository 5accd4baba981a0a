"""A kiosk rig for end-to-end tests: the real kiosk in a tmux terminal, the real
kiosk-bankd on a Unix socket with a fresh SQLite demo bank, and a device client on the
kiosk's device channel. Tests assert what a customer would notice: the screen text, the
speech (from the trace), and the bank's balances.

With KIOSK_PG_CONNINFO set (server and user, e.g. "host=/tmp/pg user=bank"), the bank
is a fresh PostgreSQL database on that server instead, one per rig."""

import difflib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("KIOSK_BIN", "")
SRC = os.environ.get("KIOSK_SRC", "")
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
WAIT = float(os.environ.get("KIOSK_TEST_WAIT", "15"))
PG = os.environ.get("KIOSK_PG_CONNINFO")


def psql(conninfo, sql):
    """Runs sql on PostgreSQL with the client psql; its output."""
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                           "-d", conninfo, "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def sql_literal(value):
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"

CONFIG = """\
kiosk_id: TEST-K01
languages:
  offered: [zh, en]
  default: zh
adapter:
  socket: run/bankd.sock
  public_key: keys/adapter.pub
  timeout_ms: 3000
kiosk_key: keys/kiosk.key
layouts: {src}/layouts
voice: {src}/voice
devices:
  socket: run/devices.sock
timeouts:
  idle: {idle}
  warning: {warning}
  pin: {pin}
  take: {take}
  speech_percent: {speech_percent}
audio:
  output: wav:speech.wav
speech:
  zh: {{ voice: cmn-latn-pinyin, rate: 175, volume: 100 }}
  en: {{ voice: en-us, rate: 175, volume: 100 }}
log: kiosk.log
journal: journal
demo: false
keypad:
  double_strike_ms: 0
"""


# For tests that change the layouts and voice files: copies of their own (own_files()).
OWN_FILES_CONFIG = CONFIG.replace("layouts: {src}/layouts", "layouts: layouts") \
                         .replace("voice: {src}/voice", "voice: voice")


def unquote(value):
    """Undoes trace_quote: "a \\"b\\"" -> a "b"."""
    if not value.startswith('"'):
        return value
    out, i = [], 1
    while i < len(value) - 1:
        c = value[i]
        if c == "\\" and i + 1 < len(value) - 1:
            nxt = value[i + 1]
            out.append({"n": "\n"}.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_trace_line(line):
    """'123 speech-start id=3 lang=zh text="..."' -> (123, 'speech-start', 'id=3...')"""
    parts = line.rstrip("\n").split(" ", 2)
    return int(parts[0]), parts[1], parts[2] if len(parts) > 2 else ""


def field(rest, name):
    """Value of name=... in a trace line's rest, quotes undone."""
    key = name + "="
    i = rest.find(key)
    if i < 0:
        return None
    i += len(key)
    if rest[i:i + 1] == '"':
        j = i + 1
        while j < len(rest):
            if rest[j] == "\\":
                j += 2
                continue
            if rest[j] == '"':
                break
            j += 1
        return unquote(rest[i:j + 1])
    j = rest.find(" ", i)
    return rest[i:] if j < 0 else rest[i:j]


class Kiosk:
    def __init__(self, idle=60, warning=20, pin=90, take=30, cols=80, rows=24,
                 start_bank=True, config_text=None, speech_percent=100,
                 double_strike_ms=0):
        # speech_percent 100: tests time speech mode like the screen unless they ask.
        # double_strike_ms 0: tests press keys faster than any hand, the same one twice
        # too; None leaves the kiosk's default.
        self.dir = tempfile.mkdtemp(prefix="kiosk-e2e-")
        self.cols, self.rows = cols, rows
        self.tmux = ["tmux", "-L", "kiosk-" + os.path.basename(self.dir), "-f", "/dev/null"]
        self.bank_proc = None
        self.dev = None
        self.devbuf = b""
        self.asked = []  # lines the kiosk wrote to the device channel
        self.trace_path = self.path("trace")
        os.makedirs(self.path("run"))
        subprocess.run([self.bin("kioskctl"), "keygen", "--dir", self.path("keys")],
                       check=True, stdout=subprocess.DEVNULL)
        text = config_text or CONFIG.format(src=SRC, idle=idle, warning=warning, pin=pin,
                                            take=take, speech_percent=speech_percent)
        if double_strike_ms != 0:
            text = text.replace("keypad:\n  double_strike_ms: 0\n", "" if double_strike_ms
                                is None else "keypad:\n  double_strike_ms: %d\n" %
                                double_strike_ms)
        with open(self.path("kiosk.yaml"), "w") as f:
            f.write(text)
        self.pg_db = None
        self.bank = self.path("bank.db")
        if PG:
            self.pg_db = os.path.basename(self.dir).replace("-", "_").lower()
            psql(PG + " dbname=postgres", "CREATE DATABASE " + self.pg_db)
            self.bank = PG + " dbname=" + self.pg_db
        subprocess.run([self.bin("kiosk-bankd"), "--db", self.bank, "--init-demo"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if start_bank:
            self.start_bank()

    # -- files and programs --------------------------------------------------------
    def path(self, *names):
        return os.path.join(self.dir, *names)

    def own_files(self):
        """Copies the shipped layouts and voice files beside kiosk.yaml, for
        OWN_FILES_CONFIG."""
        shutil.copytree(os.path.join(SRC, "layouts"), self.path("layouts"))
        shutil.copytree(os.path.join(SRC, "voice"), self.path("voice"))

    @staticmethod
    def bin(name):
        return os.path.join(BIN, name)

    def start_bank(self, env=None):
        """env: extra environment, e.g. {"KIOSK_FAULT": "auth-committed"}."""
        sock = self.path("run", "bankd.sock")
        if os.path.exists(sock):  # left by a killed adapter
            os.unlink(sock)
        self.bank_proc = subprocess.Popen(
            [self.bin("kiosk-bankd"), "--db", self.bank, "--socket", sock,
             "--key", self.path("keys", "adapter.key"),
             "--kiosk-key", self.path("keys", "kiosk.pub"),
             "--log", self.path("bankd.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, **(env or {})))
        self.wait_for(lambda: os.path.exists(sock), "kiosk-bankd listening")

    def kill_bank(self):
        """kill -9 of the adapter; returns its exit status."""
        self.bank_proc.kill()
        return self.bank_wait_exit()

    def bank_wait_exit(self, timeout=WAIT):
        """Waits for the adapter to end (a test hook makes it die); its status."""
        rc = self.bank_proc.wait(timeout)
        self.bank_proc = None
        return rc

    def stop_bank(self):
        if self.bank_proc is not None:
            self.bank_proc.terminate()
            self.bank_proc.wait(10)
            self.bank_proc = None

    def start(self, extra_args="", env=""):
        """env: assignments put before the command, e.g. "KIOSK_FAULT=auth-sent"."""
        cmd = "cd {d} && LANG=C.UTF-8 {env} {kiosk} --config kiosk.yaml --trace trace " \
              "{extra}; echo kiosk-exit=$? > exit-status; sleep 600".format(
                  d=shlex.quote(self.dir), kiosk=shlex.quote(self.bin("kiosk")),
                  extra=extra_args, env=env)
        subprocess.run(self.tmux + ["new-session", "-d", "-x", str(self.cols), "-y",
                                    str(self.rows), "-e", "LANG=C.UTF-8", cmd], check=True)
        self.wait_for(lambda: os.path.exists(self.path("run", "devices.sock"))
                      or os.path.exists(self.path("exit-status")), "the kiosk to start")
        if os.path.exists(self.path("run", "devices.sock")):
            # Keys typed before the first screen would reach a terminal not yet set up.
            self.wait_for(lambda: self.trace_events("screen")
                          or os.path.exists(self.path("exit-status")), "the first screen")
            self.dev = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            # Bound is not yet listening: a busy machine shows the gap (after a restart
            # the old trace's screens do not make us wait for the new kiosk).
            # A kiosk that ends at once (its input at an end) has no channel to connect.
            self.wait_for(lambda: self.dev.connect_ex(self.path("run", "devices.sock")) == 0
                          or os.path.exists(self.path("exit-status")),
                          "the kiosk's device channel")
            self.dev.setblocking(False)
        return self

    def kiosk_pid(self):
        """The kiosk process: the child of the tmux pane's shell."""
        out = subprocess.run(self.tmux + ["display-message", "-p", "-t", "0",
                                          "#{pane_pid}"], capture_output=True, text=True)
        shell = out.stdout.strip()
        for pid in os.listdir("/proc"):
            try:
                with open("/proc/%s/stat" % pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open("/proc/%s/comm" % pid) as f:
                    comm = f.read().strip()
            except (OSError, IndexError):
                continue
            if fields[1] == shell and comm == "kiosk":
                return int(pid)
        return None

    def kiosk_exit(self, timeout=WAIT):
        """Waits for the kiosk to end; its exit status as the shell saw it."""
        self.wait_for(lambda: os.path.exists(self.path("exit-status")), "the kiosk to end",
                      timeout)
        with open(self.path("exit-status")) as f:
            return int(f.read().strip().split("=")[1])

    def lose_terminal(self):
        """The kiosk's terminal goes away, as when its window is closed: its pane is
        killed (a second window keeps tmux itself running). Returns the kiosk's pid."""
        pid = self.kiosk_pid()
        subprocess.run(self.tmux + ["new-window", "-d", "sleep 600"], check=True)
        subprocess.run(self.tmux + ["kill-pane", "-t", "0"], check=True)
        return pid

    def kiosk_gone(self, pid, timeout=WAIT):
        """Waits for the process pid to end (a zombie has ended): with its terminal gone
        no shell is left to write exit-status."""
        def gone():
            try:
                with open("/proc/%d/stat" % pid) as f:
                    return f.read().rsplit(")", 1)[1].split()[0] == "Z"
            except OSError:
                return True
        self.wait_for(gone, "the kiosk (pid %d) to end" % pid, timeout)

    def log(self):
        try:
            with open(self.path("kiosk.log")) as f:
                return f.read()
        except OSError:
            return ""

    def kill_kiosk(self):
        """kill -9 of the kiosk; returns its exit status (137)."""
        os.kill(self.kiosk_pid(), 9)
        return self.kiosk_exit()

    def restart(self, env="", extra_args=""):
        """Starts the kiosk again in a fresh terminal after it ended; the device channel
        is connected anew, and what the kiosk asked before is kept in self.asked."""
        subprocess.run(self.tmux + ["kill-server"], stderr=subprocess.DEVNULL)
        # A server of the old name may still be going away: the new one gets its own.
        self.tmux[2] += "-again"
        if self.dev:
            self.read_device()
            self.dev.close()
            self.dev = None
        for name in (("exit-status",), ("run", "devices.sock")):
            if os.path.exists(self.path(*name)):
                os.unlink(self.path(*name))
        return self.start(extra_args, env=env)

    def journal(self):
        """The kiosk's journal as (event, {key: value}) pairs; values are those without
        spaces or quotes, which is every value the money records carry."""
        records = []
        try:
            with open(self.path("journal"), encoding="utf-8", errors="replace") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) < 3 or not line.endswith("\n"):
                        continue
                    fields = dict(p.split("=", 1) for p in parts[3:] if "=" in p)
                    records.append((parts[2], fields))
        except OSError:
            pass
        return records

    def own_kiosks(self):
        """Every kiosk process running in this test's directory, whatever became of its
        pane."""
        pids = []
        for pid in os.listdir("/proc"):
            try:
                with open("/proc/%s/comm" % pid) as f:
                    comm = f.read().strip()
                cwd = os.readlink("/proc/%s/cwd" % pid)
            except (OSError, ValueError):
                continue
            if comm == "kiosk" and cwd == self.dir:
                pids.append(int(pid))
        return pids

    def close(self):
        # The kiosk is stopped as a service manager stops it, while its terminal is
        # still there: a sanitizer build's exit check then runs undisturbed by the
        # hang-up signals of a terminal going away. One that does not end is killed.
        for pid in self.own_kiosks():
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        deadline = time.monotonic() + WAIT
        while self.own_kiosks() and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in self.own_kiosks():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        subprocess.run(self.tmux + ["kill-server"], stderr=subprocess.DEVNULL)
        if self.dev:
            self.dev.close()
        self.stop_bank()
        if self.pg_db and not os.environ.get("KIOSK_KEEP"):
            psql(PG + " dbname=postgres", "DROP DATABASE IF EXISTS " + self.pg_db)
        if os.environ.get("KIOSK_KEEP"):
            print("kept", self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- waiting ---------------------------------------------------------------------
    def wait_for(self, cond, what, timeout=WAIT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            value = cond()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError("timed out waiting for " + what + "\n--- screen ---\n" +
                             self.screen_safe() + "\n--- log ---\n" + self.log_tail())

    def screen_safe(self):
        try:
            return self.screen()
        except Exception as e:  # noqa: BLE001 - only for a failure message
            return "(no screen: %s)" % e

    def log_tail(self):
        try:
            with open(self.path("kiosk.log")) as f:
                return "".join(f.readlines()[-15:])
        except OSError:
            return "(no log)"

    # -- the customer's senses ---------------------------------------------------------
    def screen(self):
        out = subprocess.run(self.tmux + ["capture-pane", "-p", "-t", "0"],
                             capture_output=True, text=True, check=True)
        return out.stdout

    def see(self, text, timeout=WAIT):
        return self.wait_for(lambda: text in self.screen(), "screen text %r" % text,
                             timeout)

    def not_see(self, text):
        assert text not in self.screen(), "%r unexpectedly on screen:\n%s" % (
            text, self.screen())

    def trace(self):
        try:
            with open(self.trace_path, encoding="utf-8") as f:
                # A line still being written is read on the next poll.
                return [parse_trace_line(l) for l in f if l.strip() and l.endswith("\n")]
        except OSError:
            return []

    def trace_events(self, event):
        return [rest for _, ev, rest in self.trace() if ev == event]

    def spoken(self):
        """Texts whose speech started, in order."""
        return [field(rest, "text") for rest in self.trace_events("speech-start")]

    def state(self):
        states = self.trace_events("state")
        return states[-1].split(" ")[0] if states else None

    def in_state(self, name, timeout=WAIT):
        return self.wait_for(lambda: self.state() == name, "state " + name, timeout)

    def hears(self, text, timeout=WAIT):
        return self.wait_for(lambda: any(text in s for s in self.spoken()),
                             "speech %r" % text, timeout)

    # -- the customer's hands and the hardware ----------------------------------------------
    def keys(self, *keys):
        for k in keys:
            subprocess.run(self.tmux + ["send-keys", "-t", "0", k], check=True)
            time.sleep(0.05)

    def keys_at_once(self, *keys):
        """Several keys in one write, as a burst of key presses arrives."""
        subprocess.run(self.tmux + ["send-keys", "-t", "0"] + list(keys), check=True)

    def hold(self, key, seconds, delay=0.25, every=0.03):
        """A key held down: pressed, then after delay repeated every `every` seconds by
        the terminal's auto-repeat, for `seconds` in all."""
        end = time.monotonic() + seconds
        subprocess.run(self.tmux + ["send-keys", "-t", "0", key], check=True)
        time.sleep(delay)
        while time.monotonic() < end:
            subprocess.run(self.tmux + ["send-keys", "-t", "0", key], check=True)
            time.sleep(every)

    def type(self, digits):
        for d in digits:
            self.keys(d)

    def insert(self, pan):
        """Inserts a card and waits for the language screen, as a customer would."""
        before = len(self.trace_events("state"))
        self.device("card-insert " + pan)
        self.wait_for(lambda: len(self.trace_events("state")) > before,
                      "the kiosk to take the card")

    def sign_in(self, pan, pin, lang_key="2"):
        """Inserts a card, chooses the language (2: English) and types the PIN: the
        main menu."""
        self.insert(pan)
        self.keys(lang_key)
        self.in_state("pin")
        self.type(pin)
        self.keys("Enter")
        return self.in_state("menu")

    def device(self, line):
        self.dev.sendall(line.encode() + b"\n")

    def headset_in(self):
        """Plugs a headset in and skips the orientation with a key, as a customer who
        knows the machine does; the screen is then said."""
        before = len(self.trace_events("overlay"))
        self.device("headset-in")
        self.wait_for(lambda: any(o.startswith("orientation") for o in
                                  self.trace_events("overlay")[before:]), "the orientation")
        self.keys("Escape")
        self.wait_for(lambda: self.trace_events("overlay")[-1].startswith("none"),
                      "the orientation skipped")

    def read_device(self):
        try:
            while True:
                chunk = self.dev.recv(4096)
                if not chunk:
                    break
                self.devbuf += chunk
        except BlockingIOError:
            pass
        while b"\n" in self.devbuf:
            line, self.devbuf = self.devbuf.split(b"\n", 1)
            self.asked.append(line.decode())
        return self.asked

    def asks(self, prefix, timeout=WAIT):
        return self.wait_for(lambda: next((l for l in self.read_device()
                                           if l.startswith(prefix)), None),
                             "the kiosk to ask " + prefix, timeout)

    # -- the bank ------------------------------------------------------------------------
    def db(self, sql, *args):
        """The rows of a query with ? parameters, as tuples, on either backend."""
        if self.pg_db:
            parts = sql.split("?")
            assert len(parts) == len(args) + 1, sql
            query = parts[0] + "".join(sql_literal(a) + p
                                       for a, p in zip(args, parts[1:]))
            # JSON keeps the columns' types: numbers come back as ints, text as str.
            out = psql(self.bank,
                       "SELECT COALESCE(json_agg(t), '[]') FROM (%s) t" % query)
            return [tuple(row.values()) for row in json.loads(out)]
        con = sqlite3.connect(self.path("bank.db"))
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def balance(self, pan):
        return self.db("SELECT a.balance_fen FROM accounts a JOIN cards c "
                       "ON c.account_id = a.id WHERE c.pan = ?", pan)[0][0]

    def account(self, pan, kind="current"):
        """The balance of the card holder's current or savings account."""
        return self.db("SELECT a.balance_fen FROM accounts a JOIN accounts own "
                       "ON a.customer_id = own.customer_id JOIN cards c "
                       "ON c.account_id = own.id WHERE c.pan = ? AND a.kind = ?",
                       pan, kind)[0][0]

    def bank_total(self):
        """All the money in the bank: a transfer moves it, never makes or loses it."""
        return self.db("SELECT SUM(balance_fen) FROM accounts")[0][0]

    def card_status(self, pan):
        return self.db("SELECT status FROM cards WHERE pan = ?", pan)[0][0]

    def holds(self, state):
        return self.db("SELECT COUNT(*) FROM holds WHERE state = ?", state)[0][0]


class KioskTest(unittest.TestCase):
    """Each test gets a fresh rig; kiosk_args tune it."""
    kiosk_args = {}

    def setUp(self):
        self.k = Kiosk(**self.kiosk_args)
        self.addCleanup(self.k.close)

    def assert_no_pin_leak(self, pin):
        """No PIN digit sequence in the trace, the logs or speech."""
        # The trace's first column is a timestamp, and a random transaction id in hex
        # (32 digits) or a key may hold any four digits: neither is looked into. Nor is
        # a longer number (a process id 21234 is no PIN 1234).
        hexrun = re.compile(r"[0-9a-f]{16,}")
        alone = re.compile(r"(?<![0-9])" + re.escape(pin) + r"(?![0-9])")
        for _, event, rest in self.k.trace():
            self.assertIsNone(alone.search(hexrun.sub("x", rest)),
                              "PIN found in the trace: %s %s" % (event, rest))
        for name in ("kiosk.log", "bankd.log"):
            try:
                with open(self.k.path(name), "r", errors="replace") as f:
                    self.assertIsNone(alone.search(hexrun.sub("x", f.read())),
                                      "PIN found in " + name)
            except FileNotFoundError:
                pass
        for said in self.k.spoken():
            self.assertNotIn(pin, said.replace(" ", ""))


def assert_golden(test, name, text):
    """text is the screen kept in tests/e2e/golden/NAME.txt (KIOSK_GOLDEN_UPDATE=1
    rewrites it)."""
    path = os.path.join(GOLDEN, name + ".txt")
    text = "\n".join(l.rstrip() for l in text.splitlines()).rstrip() + "\n"
    if os.environ.get("KIOSK_GOLDEN_UPDATE"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return
    with open(path, encoding="utf-8") as f:
        want = f.read()
    if text != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                            path, "screen"))
        test.fail("screen differs from %s:\n%s" % (path, diff))
