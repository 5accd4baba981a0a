#!/usr/bin/env bash
# Builds the Debian package from this source tree as a bank would (prefix /usr), checks
# its metadata and lintian, then installs it into a scratch root laid over this machine's
# /etc, /usr, /lib and /var in a mount namespace of its own, so that nothing of the
# machine changes: there the maintainer script makes the user, keys and links, the
# installed kioskctl checks the installed configuration, systemd-analyze verifies the
# units, and the adapter runs with its unit's command line and the installed kiosk shows
# its screen through it.
set -euo pipefail
src=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "test_deb: needs root for its mount namespace"
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
t=$(mktemp -d /tmp/kiosk-package-XXXXXX)
chmod 755 "$t"
[ -n "${KIOSK_KEEP:-}" ] && echo "files kept in $t" || trap 'rm -rf "$t"' EXIT

fail() { echo "test_deb: $*" >&2; exit 1; }

cmake -S "$src" -B "$t/build" -DCMAKE_INSTALL_PREFIX=/usr -DKIOSK_BUILD_TESTS=OFF >/dev/null
cmake --build "$t/build" -j2 >/dev/null
(cd "$t/build" && cpack -G DEB >/dev/null)
deb=$(ls "$t"/build/kiosk_*.deb)

# Dependencies come from the libraries the programs link, plus the data they read.
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libsodium23 libespeak-ng1 libncursesw6 libyaml-0-2 libsqlite3-0 libasound2 \
    espeak-ng-data adduser; do
  [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done
mkdir "$t/ctl" "$t/root"
dpkg-deb -e "$deb" "$t/ctl"
grep -qx /etc/kiosk/kiosk.yaml "$t/ctl/conffiles" || fail "kiosk.yaml is not a conffile"

# Errors and warnings fail; the informational tags left are explained in
# docs/deploying.md.
tags=$(lintian --fail-on error,warning "$deb" 2>&1 | grep -v 'root privileges' || true)
[ -z "$tags" ] || fail "lintian: $tags"

dpkg-deb -x "$deb" "$t/root"
for f in usr/bin/kiosk usr/bin/kiosk-bankd usr/bin/kioskctl etc/kiosk/kiosk.yaml \
    usr/share/kiosk/layouts/menu.yaml usr/share/kiosk/voice/zh.yaml \
    lib/systemd/system/kiosk-bankd.service lib/systemd/system/kiosk@.service \
    usr/lib/tmpfiles.d/kiosk.conf \
    usr/share/man/man8/kiosk.8.gz usr/share/man/man8/kiosk-bankd.8.gz \
    usr/share/man/man8/kioskctl.8.gz usr/share/man/man5/kiosk.yaml.5.gz \
    usr/share/doc/kiosk/copyright usr/share/doc/kiosk/changelog.gz; do
  [ -e "$t/root/$f" ] || fail "not installed: /$f"
done

unshare --mount --propagation private bash "$here/installed.sh" "$t"
echo "package $(basename "$deb") installs and runs"
