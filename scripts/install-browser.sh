#!/usr/bin/env bash
# Debian's Chromium and a Japanese font for the browser tests (tests/browser), installed with apt-get
# when /usr/bin/chromium is missing. Idempotent; never downloads a browser from anywhere else.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi ipaex || need+=(fonts-ipaexfont-gothic)
if [ ${#need[@]} -eq 0 ]; then
  echo "browser: /usr/bin/chromium and fonts-ipaexfont-gothic present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "browser packages missing (${need[*]}); run this script as root to install them" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
[ -x /usr/bin/chromium ] || { echo "apt-get did not provide /usr/bin/chromium" >&2; exit 1; }
echo "browser: installed ${need[*]}"
