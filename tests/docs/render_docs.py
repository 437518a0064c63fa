#!/usr/bin/env python3
"""Renders the tutorial in headless Chromium, 1280 px wide, as a reader sees it.

  render_docs.py SITE_DIR SCREENSHOT_DIR

For every page of the site's sidebar (the main page, the chapters, the other
pages) it measures, in the browser, what the HTML alone cannot show, and
fails (exit 1, a line a problem) when:
- a diagram is drawn narrower than its image, so that its labels shrink, or
  is wider than the page and scrolls sideways;
- code or captured output scrolls sideways, or the page itself does;
- text shows Markdown that was not rendered (a literal `**`);
- the sidebar tree does not list the chapters in order.
It saves screenshots of the main page, chapters 01 and 07 and the Conformance page in
SCREENSHOT_DIR. Exit 77 (CTest: skipped) only when Chromium cannot start.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

site, shots = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2])
shots.mkdir(parents=True, exist_ok=True)
WIDTH, HEIGHT = 1280, 2000

# The pages in the sidebar's order, from Doxygen's own tree.
tree = (site / "navtreedata.js").read_text()
pages = ["index"] + [page for page in re.findall(r'\[ "[^"]*", "([a-z0-9_]+)\.html", ', tree)
                     if page not in ("index", "annotated", "classes", "hierarchy", "functions", "files")]
chapters = [page for page in pages if re.fullmatch(r"ch\d\d", page)]

# One page, measuring every other page in an iframe of a reader's size, one
# after the other, and writing what it found into its own DOM.
MEASURE = """<!doctype html><html><body><pre id="out"></pre>
<iframe id="frame" width="%(width)d" height="%(height)d"></iframe><script>
const pages = %(pages)s, found = {};
function measure(page) {
  const doc = document.getElementById('frame').contentDocument, win = doc.defaultView, problems = [];
  for (const img of doc.querySelectorAll('div.contents img')) {
    if (img.naturalWidth > img.clientWidth + 1)
      problems.push('image ' + img.getAttribute('src') + ' drawn ' + img.clientWidth + ' px wide, not ' + img.naturalWidth);
  }
  for (const box of doc.querySelectorAll('div.dotgraph')) {
    if (box.scrollWidth > box.clientWidth + 1)
      problems.push('a diagram scrolls sideways: ' + box.scrollWidth + ' px in ' + box.clientWidth);
  }
  for (const box of doc.querySelectorAll('div.fragment, pre.fragment')) {
    if (box.scrollWidth > box.clientWidth + 1)
      problems.push('code scrolls sideways: ' + box.scrollWidth + ' px in ' + box.clientWidth + ': ' + box.textContent.trim().slice(0, 60));
  }
  if (doc.documentElement.scrollWidth > win.innerWidth + 1)
    problems.push('the page scrolls sideways: ' + doc.documentElement.scrollWidth + ' px in ' + win.innerWidth);
  const walker = doc.createTreeWalker(doc.querySelector('div.contents') || doc.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    if (node.parentElement.closest('code, pre, div.fragment, div.line')) continue;
    if (node.textContent.includes('**')) problems.push('unrendered Markdown: ' + node.textContent.trim().slice(0, 80));
  }
  const tree = [...doc.querySelectorAll('#nav-tree a')].map(a => a.textContent.trim()).filter(t => t);
  found[page] = {problems, tree};
}
function next(i) {
  if (i === pages.length) { document.getElementById('out').textContent = JSON.stringify(found); return; }
  const frame = document.getElementById('frame');
  frame.onload = () => setTimeout(() => { try { measure(pages[i]); } catch (e) { found[pages[i]] = {problems: [String(e)], tree: []}; } next(i + 1); }, 300);
  frame.src = pages[i] + '.html';
}
next(0);
</script></body></html>"""


def chromium(url, profile, *options):
    return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={profile}", *options, url],
                          capture_output=True, text=True, timeout=120)


if not shutil.which("chromium"):
    print("SKIP: chromium is not installed (scripts/bootstrap installs it)")
    sys.exit(77)
problems = []
with tempfile.TemporaryDirectory(prefix="ipclab-render-") as profile:
    wrapper = site / ".measure.html"  # beside the pages: a file:// frame of the same folder
    wrapper.write_text(MEASURE % {"width": WIDTH, "height": HEIGHT, "pages": json.dumps(pages)})
    try:
        run = chromium(wrapper.as_uri(), profile, "--allow-file-access-from-files", f"--window-size={WIDTH},{HEIGHT}",
                       "--virtual-time-budget=60000", "--dump-dom")
    finally:
        wrapper.unlink()
    if run.returncode != 0 or "<pre" not in run.stdout:
        print(f"SKIP: chromium is installed but cannot start here (exit {run.returncode})")
        sys.exit(77)
    dumped = re.search(r'<pre id="out">(.*?)</pre>', run.stdout, flags=re.S).group(1)
    import html
    found = json.loads(html.unescape(dumped) or "{}")
    for page in pages:
        if page not in found:
            problems.append(f"{page}.html: not measured (did it load?)")
            continue
        problems += [f"{page}.html: {problem}" for problem in found[page]["problems"]]
    # The sidebar: the chapters, in order, under the main page.
    titles = found.get("index", {}).get("tree", [])
    numbers = [title[:2] for title in titles if re.match(r"\d\d ", title)]
    wanted = [chapter[2:] for chapter in chapters]
    if not wanted or numbers != wanted:
        problems.append(f"the sidebar tree lists chapters {numbers}, not {wanted}: {titles}")
    for page in ["index", "ch01", "ch07", "conformance"]:
        chromium((site / f"{page}.html").as_uri(), profile, f"--window-size={WIDTH},{HEIGHT}", "--hide-scrollbars",
                 f"--screenshot={shots / (page + '.png')}", "--virtual-time-budget=5000")
        if not (shots / f"{page}.png").exists() or (shots / f"{page}.png").stat().st_size < 10000:
            problems.append(f"{page}.html: no screenshot")

for problem in problems:
    print(problem)
print(f"{len(pages)} pages measured at {WIDTH} px: {len(problems)} problem(s); screenshots in {shots}")
sys.exit(1 if problems else 0)
