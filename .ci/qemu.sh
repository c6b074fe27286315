#!/usr/bin/env bash
# Makes the two emulators of the real-QEMU tests available, and prints where they are. One script and one place for
# both test projects that start QEMU: test/QemuLoad.Tests (7.2 and 10.0 as destinations of what the library writes)
# and test/DeviceState.Tests (a vhost-user-fs device migrated between two 10.0 processes).
#
#   QEMU 7.2   Debian 12's qemu-system-x86, installed with apt-get when missing.
#   QEMU 10.0  bookworm-backports' qemu-system-x86 and the packages it needs at the same version (-common, -data, and
#              the module packages -gui, -modules-opengl, -modules-spice), fetched with apt-get download and unpacked
#              with dpkg -x into QEMU10_DIR (nothing of it is installed system-wide); the libraries they link against
#              (plain bookworm packages, SeaBIOS and iPXE included) are installed with apt-get. The unpacked tree keeps
#              the packages' layout ($QEMU10_DIR/usr/bin/qemu-system-x86_64); beside it, $QEMU10_DIR/bin/qemu-system-x86_64
#              is a wrapper that runs it with QEMU_MODULE_DIR set to its own module folder (a 10.0 binary aborts on 7.2's
#              modules, and -dump-vmstate loads them all) and -L at its own data folder, then the system's.
#
# Usage (as root on Debian 12 the first time):  .ci/qemu.sh
# Environment:  QEMU10_DIR (default /opt/qemu-10.0).
# Output (stdout, one shell assignment per line, for the caller to eval):
#   QEMU72=<binary>  QEMU10=<wrapper>  QEMU10_DIR=<folder>  QEMU10_VERSION=<version>
# Idempotent: a second run with everything in place changes nothing and makes no network request.
set -euo pipefail

QEMU10_DIR=${QEMU10_DIR:-/opt/qemu-10.0}
WRAPPER=$QEMU10_DIR/bin/qemu-system-x86_64

log() { printf '[qemu.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() {
    if [[ $updated == 0 ]]; then
        apt-get update -qq
        updated=1
    fi
}

# --- QEMU 7.2 -------------------------------------------------------------------------------------
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
    [[ $(id -u) -eq 0 ]] || die "qemu-system-x86 is missing; run as root so that apt-get can install it"
    log "installing qemu-system-x86 (QEMU 7.2)"
    apt_update
    apt-get install -y -qq --no-install-recommends qemu-system-x86 qemu-utils >/dev/null
fi
QEMU72=$(command -v qemu-system-x86_64)
"$QEMU72" --version | head -n1 | grep -q 'version 7\.2\.' || log "warning: $QEMU72 is not QEMU 7.2"

# --- QEMU 10.0 ------------------------------------------------------------------------------------
complete() {
    [[ -f $QEMU10_DIR/.complete && -x $QEMU10_DIR/usr/bin/qemu-system-x86_64 && -x $WRAPPER ]] &&
        "$WRAPPER" --version 2>/dev/null | head -n1 | grep -q 'version 10\.0\.'
}

if ! complete; then
    [[ $(id -u) -eq 0 ]] || die "QEMU 10.0 is not in $QEMU10_DIR; run as root so that apt-get can fetch it"
    if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        log "adding bookworm-backports to the apt sources"
        echo 'deb http://deb.debian.org/debian bookworm-backports main' >/etc/apt/sources.list.d/bookworm-backports.list
    fi
    apt_update
    version=$(apt-cache policy qemu-system-x86 | awk '/~bpo12/ {print $1; exit}')
    [[ $version == 1:10.0* ]] || die "bookworm-backports offers no QEMU 10.0 (found '${version:-nothing}')"
    log "fetching QEMU $version from bookworm-backports into $QEMU10_DIR"
    work=$(mktemp -d /tmp/qemu10.XXXXXX)
    chmod 1777 "$work" # apt-get download writes as the _apt user
    trap 'rm -rf "$work"' EXIT
    (
        cd "$work"
        apt-get download -qq "qemu-system-x86=$version" "qemu-system-common=$version" "qemu-system-data=$version" \
            "qemu-system-gui=$version" "qemu-system-modules-opengl=$version" "qemu-system-modules-spice=$version"
    )
    # The libraries the emulator links against, from its packages' control files (versions left to apt).
    libs=$(for deb in "$work"/qemu-system-x86_*.deb "$work"/qemu-system-common_*.deb; do dpkg-deb -f "$deb" Depends; done |
        tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/[[:space:]]//g' | grep -Ev '^(qemu-|$)' | sort -u)
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $libs >/dev/null

    rm -rf "$QEMU10_DIR.partial"
    mkdir -p "$QEMU10_DIR.partial/bin"
    for deb in "$work"/*.deb; do dpkg -x "$deb" "$QEMU10_DIR.partial"; done
    # The wrapper names the final folder, which the partial one becomes below.
    cat >"$QEMU10_DIR.partial/bin/qemu-system-x86_64" <<WRAPPER
#!/bin/sh
# QEMU $version from bookworm-backports, unpacked by .ci/qemu.sh.
exec env QEMU_MODULE_DIR="$QEMU10_DIR/usr/lib/x86_64-linux-gnu/qemu" "$QEMU10_DIR/usr/bin/qemu-system-x86_64" \\
    -L "$QEMU10_DIR/usr/share/qemu" -L /usr/share/qemu "\$@"
WRAPPER
    chmod +x "$QEMU10_DIR.partial/bin/qemu-system-x86_64"
    echo "$version" >"$QEMU10_DIR.partial/.complete"
    # Swap the folders with two renames, so that a QEMU already running from the old one keeps its files.
    rm -rf "$QEMU10_DIR.old"
    [[ ! -e $QEMU10_DIR ]] || mv "$QEMU10_DIR" "$QEMU10_DIR.old"
    mv "$QEMU10_DIR.partial" "$QEMU10_DIR"
    rm -rf "$QEMU10_DIR.old"
    complete || die "the unpacked QEMU 10.0 in $QEMU10_DIR does not run"
    log "QEMU $version in $QEMU10_DIR"
fi

printf '%s=%q\n' QEMU72 "$QEMU72" QEMU10 "$WRAPPER" QEMU10_DIR "$QEMU10_DIR" \
    QEMU10_VERSION "$("$WRAPPER" --version | head -n1 | sed -E 's/^QEMU emulator version ([^ ]+).*/\1/')"
