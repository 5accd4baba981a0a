#!/usr/bin/env bash
# Inside test_deb.sh's mount namespace: the package's files over the machine's, with
# every write going to a scratch layer.
set -euo pipefail
t=$1
fail() { echo "installed: $*" >&2; exit 1; }

for d in etc usr lib var; do
  mkdir -p "$t/up/$d" "$t/work/$d" "$t/root/$d"
  mount -t overlay overlay \
    -o "lowerdir=$t/root/$d:/$d,upperdir=$t/up/$d,workdir=$t/work/$d" "/$d"
done
mount -t tmpfs tmpfs /run

postinst() {
  DPKG_MAINTSCRIPT_PACKAGE=kiosk DPKG_MAINTSCRIPT_NAME=postinst \
    sh "$t/ctl/postinst" configure >"$t/postinst.out" 2>&1 ||
    { cat "$t/postinst.out"; fail "postinst configure failed"; }
}
mode() { stat -c '%a %U' "$1"; }

postinst
getent passwd kiosk-bankd >/dev/null || fail "no kiosk-bankd user"
[ "$(mode /etc/kiosk/keys)" = "700 root" ] || fail "/etc/kiosk/keys: $(mode /etc/kiosk/keys)"
[ "$(mode /etc/kiosk/keys/kiosk.key)" = "600 root" ] || fail "kiosk.key mode"
[ "$(mode /var/lib/kiosk-bankd)" = "700 kiosk-bankd" ] || fail "adapter state dir mode"
[ "$(mode /var/lib/kiosk-bankd/adapter.key)" = "600 kiosk-bankd" ] || fail "adapter.key mode"
cmp -s /etc/kiosk/keys/kiosk.pub /var/lib/kiosk-bankd/kiosk.pub || fail "adapter lacks kiosk.pub"
cmp -s /etc/kiosk/keys/adapter.pub /var/lib/kiosk-bankd/adapter.pub || fail "kiosk lacks adapter.pub"
[ -d /run/kiosk ] || fail "no /run/kiosk from tmpfiles.d"
[ -L /etc/systemd/system/multi-user.target.wants/kiosk-bankd.service ] ||
  fail "kiosk-bankd.service is not enabled"
if grep -qi 'warning' "$t/postinst.out"; then cat "$t/postinst.out"; fail "postinst warned"; fi

# A second configure (an upgrade) keeps the keys the kiosk and the adapter pin.
sum=$(cat /etc/kiosk/keys/kiosk.key /var/lib/kiosk-bankd/adapter.key | sha256sum)
postinst
[ "$sum" = "$(cat /etc/kiosk/keys/kiosk.key /var/lib/kiosk-bankd/adapter.key | sha256sum)" ] ||
  fail "a second configure replaced the keys"

out=$(kioskctl check /etc/kiosk/kiosk.yaml 2>&1) || { echo "$out"; fail "kioskctl check failed"; }
[[ $out == *"/etc/kiosk/kiosk.yaml: OK"* ]] || { echo "$out"; fail "kioskctl check did not say OK"; }

out=$(systemd-analyze verify /lib/systemd/system/kiosk-bankd.service \
  /lib/systemd/system/kiosk@tty1.service 2>&1) || { echo "$out"; fail "systemd-analyze verify"; }
if grep -q kiosk <<<"$out"; then echo "$out"; fail "systemd-analyze verify warned"; fi

# The adapter with its unit's own command line, as its own user, as systemd starts it.
runuser -u kiosk-bankd -- kiosk-bankd --db /var/lib/kiosk-bankd/bank.db --init-demo >/dev/null
install -d -m 0755 -o kiosk-bankd -g kiosk-bankd /run/kiosk-bankd
cmdline=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/kiosk-bankd.service)
# shellcheck disable=SC2086
runuser -u kiosk-bankd -- $cmdline 2>"$t/bankd.err" &
bankd=$!
for _ in $(seq 100); do [ -S /run/kiosk-bankd/bankd.sock ] && break; sleep 0.1; done
[ -S /run/kiosk-bankd/bankd.sock ] || { cat "$t/bankd.err"; fail "the adapter did not serve"; }

sock=kiosk-package-$$
# The installed kiosk with the installed configuration, on a terminal, through it.
cmdline=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/kiosk@.service)
tmux -L "$sock" new-session -d -x 80 -y 24 "env LANG=C.UTF-8 $cmdline --audio none 2>$t/kiosk.err"
screen=""
for _ in $(seq 100); do
  screen=$(tmux -L "$sock" capture-pane -p 2>/dev/null || true)
  [[ $screen == *"Welcome"* ]] && break
  sleep 0.1
done
tmux -L "$sock" kill-server 2>/dev/null || true
kill "$bankd"
wait "$bankd" || true
[[ $screen == *"Welcome"* ]] || { echo "$screen"; cat "$t/kiosk.err"; fail "no welcome screen"; }
