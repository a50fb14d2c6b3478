#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: real SPICE servers (Xspice, QEMU), X tools
# to draw and capture known content, the reference client, a dissector, a browser, a keyring.
# Fast when everything is there already (dpkg-query only, no apt), so CI on a prepared machine
# pays nothing. As root it installs what is missing; otherwise it says what to run and fails.
# SAFFRON_SKIP_SYSTEM_DEPS=1 skips the check (a machine that is not Debian, set up by hand).
set -euo pipefail

packages=(
  xserver-xspice         # Xspice: an X server that is a SPICE server
  qemu-system-x86        # QEMU with -spice
  seabios                # QEMU's firmware
  ipxe-qemu              # QEMU's option ROMs
  virt-viewer            # remote-viewer, the reference client
  xvfb                   # an X server for remote-viewer, for Saffron's Chromium in the bench, and for xwd parser tests
  x11-apps               # xwd, xlogo, x11perf
  x11-utils              # xdpyinfo, xwininfo
  x11-xserver-utils      # xrandr, xsetroot
  xfonts-base            # the core font "fixed" that xterm draws with
  matchbox-window-manager # lets remote-viewer and Chromium go full screen under Xvfb (npm run bench)
  xterm
  xdotool
  xclip
  imagemagick            # convert, display: known images on the guest screen
  spice-vdagent          # the guest agent (clipboard, monitors, file transfer)
  tshark                 # SPICE dissector
  chromium               # the browser shell's end-to-end tests
  spice-html5
  gstreamer1.0-plugins-good  # video streams (VP8) from the server
  gstreamer1.0-plugins-ugly  # video streams (H.264) from the server
  gnome-keyring
  dbus
  dbus-x11
  libsecret-1-dev        # keytar builds against it during npm ci
  sasl2-bin              # saslpasswd2 for SASL tests
  libsasl2-modules
  openssl                # TLS test certificates
  libspice-protocol-dev  # the protocol headers we read
)

if [[ ${SAFFRON_SKIP_SYSTEM_DEPS:-} == 1 ]]; then
  echo "install-system-deps: skipped (SAFFRON_SKIP_SYSTEM_DEPS=1)"
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-deps: this is not a Debian-like system; install the equivalents of:" >&2
  echo "  ${packages[*]}" >&2
  echo "then run again with SAFFRON_SKIP_SYSTEM_DEPS=1" >&2
  exit 1
fi

missing_packages() {
  local package status
  for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ $status == *" installed" ]] || echo "$package"
  done
}

mapfile -t missing < <(missing_packages)
if (( ${#missing[@]} == 0 )); then
  echo "install-system-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install them with:" >&2
  echo "  sudo sh -c 'echo wireshark-common wireshark-common/install-setuid boolean false | debconf-set-selections; apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}'" >&2
  exit 1
fi

echo "install-system-deps: installing ${missing[*]}"
# tshark asks whether non-root users may capture; answer before apt can ask (there is no stdin).
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}" </dev/null

mapfile -t still_missing < <(missing_packages)
if (( ${#still_missing[@]} > 0 )); then
  echo "install-system-deps: still missing after apt-get: ${still_missing[*]}" >&2
  exit 1
fi
echo "install-system-deps: installed ${#missing[@]} packages"
