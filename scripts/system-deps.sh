#!/usr/bin/env bash
# Installs the Debian packages eCabinet needs when they are missing.
#   base: gettext (compilemessages), LibreOffice headless + python3-uno (documents to PDF) and
#         metric-compatible fonts (Times/Arial/Calibri/Cambria look-alikes for converted files),
#         tesseract with its Vietnamese model (OCR of scans, optional at run time)
#         espeak-ng (Vietnamese speech for the demo recording, the speech-to-text tests and bench)
#   test: + chromium (browser tests), nodejs (the OpenID provider of the single sign-on tests; Debian 13 or NodeSource for Node 20)
set -euo pipefail
want=(gettext fonts-liberation2
  libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui python3-uno
  fonts-crosextra-carlito fonts-crosextra-caladea
  tesseract-ocr tesseract-ocr-vie
  espeak-ng)
if [ "${1:-base}" = "test" ]; then
  want+=(chromium nodejs)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ]; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
