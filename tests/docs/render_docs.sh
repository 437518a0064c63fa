#!/usr/bin/env bash
# Opens the main page and a chapter page in headless Chromium, checks that
# they render (title, a code block, the diagram image) and saves screenshots.
#   render_docs.sh SITE_DIR SCREENSHOT_DIR CHAPTER_PAGE
# Exit 77 (CTest: skipped) only when Chromium is missing or cannot start.
set -euo pipefail
site=$1 shots=$2 chapter=$3
mkdir -p "$shots"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

chromium_at() {  # chromium_at URL ARGS...: one headless Chromium run, bounded in time
  local url=$1; shift
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" "$url" 2>/dev/null
}

if ! command -v chromium >/dev/null; then
  echo "SKIP: chromium is not installed (scripts/bootstrap installs it)"; exit 77
fi
# The first page's DOM doubles as the check that Chromium starts at all (a
# missing file still renders, as an error page): one browser start less.
if ! chromium_at "file://$site/index.html" --dump-dom >"$shots/index.dom.html"; then
  echo "SKIP: chromium is installed but cannot start here"; exit 77
fi

failures=0
check() {  # check PAGE WHAT REGEX
  if grep -Eq "$3" "$shots/$1.dom.html"; then echo "ok   $1: $2"
  else echo "FAIL $1: $2 not found"; failures=$((failures + 1)); fi
}

for page in index "$chapter"; do
  [[ $page == index ]] || chromium_at "file://$site/$page.html" --dump-dom >"$shots/$page.dom.html"
  chromium_at "file://$site/$page.html" --window-size=1280,2000 --hide-scrollbars \
    --screenshot="$shots/$page.png" >/dev/null
  [[ -s $shots/$page.png ]] || { echo "FAIL $page: no screenshot"; failures=$((failures + 1)); }
  check "$page" "title" '<title>ipclab: '
  check "$page" "the navigation tree" 'id="nav-tree"'
done
check index "the chapter list" "href=\"$chapter.html\""
check "$chapter" "a code block" '<div class="fragment">'
check "$chapter" "the diagram image" '<img src="dot_inline_dotgraph_[0-9]+\.png"'
check "$chapter" "the captured run" "\\$ ipclab-$chapter"

echo "screenshots: $shots/index.png $shots/$chapter.png"
exit $((failures > 0))
