#!/usr/bin/env bash
# Prepare a fresh Linux machine (Debian/Ubuntu) for renaksi-xl: LibreOffice headless
# (the VBA host and PDF renderer the tests and the demo use; Carlito has Calibri's widths, so
# sheets render as in Excel; poppler's pdfsig and NSS's certutil check signed PDFs in the tests)
# and a virtualenv in .venv
# with the project and its test extras.  Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=0
command -v soffice >/dev/null 2>&1 || need_apt=1
command -v pdftoppm >/dev/null 2>&1 || need_apt=1
command -v certutil >/dev/null 2>&1 || need_apt=1
[ -e /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf ] || need_apt=1
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need_apt=1
if [ "$need_apt" = 1 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "Memasang LibreOffice (headless) dan poppler-utils lewat apt-get ..." >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    libreoffice-calc-nogui libreoffice-script-provider-python python3-uno \
    poppler-utils libnss3-tools fonts-dejavu-core fonts-crosextra-carlito >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
