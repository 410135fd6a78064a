#!/usr/bin/env bash
# Installs the Debian packages the interop tests and tshark checks need (TOOLCHAIN.md), only when
# one is missing, so a warm machine skips apt entirely.
set -euo pipefail
packages=(iproute2 iputils-ping arping ndisc6 tcpdump tshark netcat-openbsd socat python3-scapy radvd ethtool)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all Debian packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages (${missing[*]}) and not root: interop tests will be skipped" >&2
  exit 0
fi
echo "installing: ${missing[*]}"
apt-get update -qq
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed"
