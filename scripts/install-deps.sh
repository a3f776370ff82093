# Shared by run.sh (the README's main job) and test.sh (the README's tests); source it, then call install_deps.
# Installs, where missing, what charts and HTML pages need beyond the .NET SDK:
#  - a headless Chromium (chart PNGs; the browser tests) and a font, with apt-get (as root, or through sudo);
#  - node.js/npm, with apt-get;
#  - the npm packages pinned in package-lock.json (plotly.js, KaTeX): inlined into the exported HTML so the
#    pages render math and charts offline, and used to draw the PNGs.
# Each step is skipped when already done. Where a step cannot run (no apt-get, no root and no sudo) it says
# exactly what to install and goes on: the run still works, but its PNGs or offline pages are missing, and says so.

_deps_tag=${_deps_tag:-setup}
_deps_say() { echo "$_deps_tag: $*"; }

_deps_can_apt() {
  command -v apt-get >/dev/null 2>&1 || return 1
  [ "$(id -u)" = 0 ] && return 0
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null
}

_deps_apt_updated=
_deps_apt_install() {
  local as=()
  [ "$(id -u)" = 0 ] || as=(sudo -n)
  if [ -z "$_deps_apt_updated" ]; then
    _deps_say "apt-get update"
    "${as[@]}" apt-get update -qq >/dev/null || return 1
    _deps_apt_updated=1
  fi
  _deps_say "apt-get install $* (a few minutes the first time)"
  "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

_deps_has_chromium() {
  [ -n "${AEVB_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || command -v google-chrome >/dev/null 2>&1 || command -v google-chrome-stable >/dev/null 2>&1
}

# install_deps: returns 0 when everything is in place, 1 when something is missing (after saying what).
install_deps() {
  local missing=0
  if ! _deps_has_chromium; then
    if _deps_can_apt && _deps_apt_install chromium fonts-liberation; then
      _deps_say "installed chromium"
    else
      _deps_say "WARNING: no Chromium/Chrome found and it cannot be installed here (needs apt-get as root or with sudo)."
      _deps_say "  Install it yourself: Debian/Ubuntu \`sudo apt-get install chromium fonts-liberation\`; macOS \`brew install --cask chromium\`;"
      _deps_say "  or set AEVB_CHROMIUM to a Chrome/Chromium executable. Without it, charts are written as HTML only (no PNG)."
      missing=1
    fi
  fi
  if ! command -v npm >/dev/null 2>&1; then
    if _deps_can_apt && _deps_apt_install nodejs npm; then
      _deps_say "installed node.js and npm"
    else
      _deps_say "WARNING: npm not found and it cannot be installed here (needs apt-get as root or with sudo)."
      _deps_say "  Install Node.js 18 or later with npm (https://nodejs.org, or \`sudo apt-get install nodejs npm\`), then run this again."
      _deps_say "  Without it, the HTML pages load plotly.js and KaTeX from a CDN (no offline math or charts) and there are no PNGs."
      return 1
    fi
  fi
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
     && [ -d node_modules/plotly.js-dist-min ] && [ -d node_modules/katex ]; then
    _deps_say "npm packages already installed (node_modules/)"
  else
    _deps_say "npm ci (plotly.js, KaTeX into node_modules/)"
    if ! npm ci --no-audit --no-fund --loglevel=error; then
      _deps_say "WARNING: \`npm ci\` failed (offline?); HTML pages will not render offline and charts have no PNG. Run \`npm ci\` when online."
      missing=1
    fi
  fi
  return $missing
}
