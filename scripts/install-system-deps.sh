#!/usr/bin/env bash
# System packages the full test suite needs, from Debian's archive (idempotent, as root):
#   chromium (+ a CJK font) for browser tests, a Java runtime for HermiT (owlready2's reasoner),
#   virtuoso-opensource for the SPARQL-server integration tests, graphviz to check the DOT output.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi ipaex || need+=(fonts-ipaexfont-gothic)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "system packages missing (${need[*]}); run this script as root to install them" >&2
  exit 0
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
