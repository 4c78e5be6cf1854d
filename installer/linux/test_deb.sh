#!/usr/bin/env bash
# Installs the .deb on this machine, smoke-tests the installed program, removes the
# package and checks that the user's data folder is left alone. Needs root (apt-get).
# Usage: installer/linux/test_deb.sh dist/qmsdesk_VERSION_ARCH.deb
set -euo pipefail
deb=$(realpath "${1:?usage: test_deb.sh PATH/TO/qmsdesk.deb}")
here=$(dirname "$(realpath "$0")")
if dpkg -s qmsdesk >/dev/null 2>&1; then
    echo "qmsdesk is already installed here; remove it first"; exit 1
fi
home=$(mktemp -d)
cleanup() {
    rm -rf "$home"
    if dpkg -s qmsdesk >/dev/null 2>&1; then apt-get purge -y -q qmsdesk >/dev/null; fi
}
trap cleanup EXIT
fail() { echo "FAILED: $*"; exit 1; }

DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >/dev/null  # pulls in Depends
command -v qmsdesk | grep -qx /usr/bin/qmsdesk || fail "qmsdesk is not on the PATH"
test -x /opt/qmsdesk/qmsdesk || fail "/opt/qmsdesk/qmsdesk missing"
test -f /usr/share/icons/hicolor/256x256/apps/qmsdesk.png || fail "icon missing"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/qmsdesk.desktop
fi
exec_line=$(sed -n 's/^Exec=//p' /usr/share/applications/qmsdesk.desktop)
[ "$(command -v "$exec_line")" = /usr/bin/qmsdesk ] || fail "the menu entry runs '$exec_line'"

# The installed program, through the launcher on the PATH, then by its full path.
"$here/../smoke_test.sh" qmsdesk
"$here/../smoke_test.sh" /opt/qmsdesk/qmsdesk

# A user's own data, in the default per-user folder (a scratch HOME stands in for theirs).
env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_STATE_HOME HOME="$home" \
    qmsdesk demo >/dev/null
data="$home/.local/share/QMSDesk/demo.db"
test -f "$data" || fail "the demo database is not in the user's data folder"
before=$(sha256sum "$data")

DEBIAN_FRONTEND=noninteractive apt-get purge -y -q qmsdesk >/dev/null
! dpkg -s qmsdesk >/dev/null 2>&1 || fail "still installed after purge"
test ! -e /opt/qmsdesk || fail "/opt/qmsdesk left behind"
test ! -e /usr/bin/qmsdesk || fail "/usr/bin/qmsdesk left behind"
test ! -e /usr/share/applications/qmsdesk.desktop || fail "menu entry left behind"
[ "$(sha256sum "$data")" = "$before" ] || fail "the user's data changed on removal"
echo "deb test passed: installed, smoke-tested, purged; the user's data is untouched"
