#!/usr/bin/env bash
# Makes the two emulators of the QEMU load tests available, and prints where they are.
#
#   QEMU 7.2   Debian 12's qemu-system-x86, installed with apt-get when missing.
#   QEMU 10.0  bookworm-backports' qemu-system-x86 and the packages it needs at the same version, fetched with
#              apt-get download and unpacked with dpkg -x into QEMU10_ROOT (nothing of it is installed system-wide);
#              its library dependencies (plain bookworm packages) are installed with apt-get. A wrapper,
#              QEMU10_ROOT/bin/qemu-system-x86_64, runs it with QEMU_MODULE_DIR set to its own module folder (a
#              10.0 binary refuses 7.2's modules) and -L at its own data folder, then the system's (SeaBIOS and the
#              iPXE ROMs come from the installed 7.2 packages).
#
# Usage (as root on Debian 12):  .ci/qemu.sh
# Environment:  QEMU10_ROOT (default /opt/migfmt/qemu-10.0).
# Output (stdout, one per line, for the caller to eval or read):  QEMU72=<path>  QEMU10=<path>  QEMU10_VERSION=<version>
# Idempotent: a second run with everything in place changes nothing and makes no network request.
set -euo pipefail

QEMU10_ROOT=${QEMU10_ROOT:-/opt/migfmt/qemu-10.0}
WRAPPER=$QEMU10_ROOT/bin/qemu-system-x86_64

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
if [[ ! -x $WRAPPER ]] || ! "$WRAPPER" --version 2>/dev/null | head -n1 | grep -q 'version 10\.0\.'; then
    [[ $(id -u) -eq 0 ]] || die "QEMU 10.0 is not in $QEMU10_ROOT; run as root so that apt-get can fetch it"
    if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        log "adding bookworm-backports to the apt sources"
        echo 'deb http://deb.debian.org/debian bookworm-backports main' >/etc/apt/sources.list.d/migfmt-bookworm-backports.list
    fi
    apt_update
    version=$(apt-cache policy qemu-system-x86 | awk '/~bpo12/ {print $1; exit}')
    [[ $version == 1:10.0* ]] || die "bookworm-backports offers no QEMU 10.0 (found '$version')"
    log "fetching QEMU $version from bookworm-backports into $QEMU10_ROOT"
    work=$(mktemp -d)
    chmod 755 "$work"   # apt-get download runs as _apt and must be able to write there
    trap 'rm -rf "$work"' EXIT
    (
        cd "$work"
        # The module packages too: a 10.0 binary that meets 7.2's modules aborts (-dump-vmstate loads them all).
        apt-get download -qq "qemu-system-x86=$version" "qemu-system-common=$version" "qemu-system-data=$version" \
            "qemu-system-gui=$version" "qemu-system-modules-opengl=$version" "qemu-system-modules-spice=$version"
    )
    # Its shared libraries are ordinary bookworm packages; the qemu-*, seabios and ipxe entries are what 7.2 provides.
    libs=$(for deb in "$work"/qemu-system-x86_*.deb "$work"/qemu-system-common_*.deb; do dpkg-deb -f "$deb" Depends; done |
        tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/^ +//; s/ +$//' | grep -Ev '^(qemu-|seabios|ipxe-qemu|$)' | sort -u)
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $libs >/dev/null
    rm -rf "$QEMU10_ROOT"
    mkdir -p "$QEMU10_ROOT/bin"
    for deb in "$work"/*.deb; do dpkg -x "$deb" "$QEMU10_ROOT/root"; done
    cat >"$WRAPPER" <<EOF
#!/bin/sh
# QEMU $version from bookworm-backports, unpacked by .ci/qemu.sh.
exec env QEMU_MODULE_DIR="$QEMU10_ROOT/root/usr/lib/x86_64-linux-gnu/qemu" "$QEMU10_ROOT/root/usr/bin/qemu-system-x86_64" \\
    -L "$QEMU10_ROOT/root/usr/share/qemu" -L /usr/share/qemu "\$@"
EOF
    chmod +x "$WRAPPER"
    "$WRAPPER" --version | head -n1 | grep -q 'version 10\.0\.' || die "the unpacked QEMU 10.0 does not run"
fi

echo "QEMU72=$QEMU72"
echo "QEMU10=$WRAPPER"
echo "QEMU10_VERSION=$("$WRAPPER" --version | head -n1 | sed -E 's/^QEMU emulator version ([^ ]+).*/\1/')"
