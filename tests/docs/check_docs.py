#!/usr/bin/env python3
"""Checks the rendered tutorial against its sources.

  check_docs.py SOURCE_DIR DOCS_BUILD_DIR CTEST

Fails (exit 1, one line per problem) when Doxygen warned; when a page's
\\snippet names a marker its source does not hold exactly twice; when a rendered
page does not show the current lines of a snippet (the docs are stale); when a
captured run did not exit 0; when an internal link or image of the site
points at nothing; or when a page names a test (`-R REGEX`) that no test of
the build matches.
"""
import html
import pathlib
import re
import subprocess
import sys

source_dir, docs_dir = map(pathlib.Path, sys.argv[1:3])
ctest = sys.argv[3]
site = docs_dir / "html"
problems = []

# 1. Doxygen's warnings (missing snippet markers and unresolved \ref land here too).
warnings = (docs_dir / "doxygen-warnings.log").read_text().strip()
if warnings:
    problems += ["doxygen: " + line for line in warnings.splitlines()]

# 2. Every \snippet's marker exists, and 3. the page shows the snippet's current lines.
def rendered_lines(page_html):
    """The text of every code line Doxygen rendered on a page, whitespace-normalised."""
    lines = re.findall(r'<div class="line">(.*?)</div>', page_html, flags=re.S)
    return {" ".join(html.unescape(re.sub(r"<[^>]+>", "", line)).split()) for line in lines}

pages = sorted(source_dir.glob("chapters/*/chapter.md")) + sorted((source_dir / "docs").glob("*.md"))
def page_label(page, text):
    """A chapter's page is chNN (docs/make_pages.py titles it); another page says {#label}."""
    if page.name == "chapter.md":
        return "ch" + page.parent.name[:2]
    label = re.search(r"\{#(\w+)\}", text)
    return label.group(1) if label else None


for page in pages:
    text = page.read_text()
    label = page_label(page, text)
    page_file = site / f"{label}.html" if label else None
    shown = rendered_lines(page_file.read_text()) if page_file and page_file.exists() else set()
    for path, tag in re.findall(r"\\snippet\s+(\S+)\s+(\S+)", text):
        source = source_dir / "chapters" / path
        if not source.exists():
            problems.append(f"{page.relative_to(source_dir)}: \\snippet {path}: no such file")
            continue
        parts = source.read_text().split(f"//! [{tag}]")
        if len(parts) != 3:
            problems.append(f"{page.relative_to(source_dir)}: \\snippet {path} {tag}: "
                            f"found {len(parts) - 1} markers '//! [{tag}]', not 2")
            continue
        for line in parts[1].splitlines():
            if re.match(r"^\s*//! \[", line):
                continue  # a nested marker (an exercise's TODO span): the docs' filter drops it
            wanted = " ".join(line.split())
            if wanted and wanted not in shown:
                problems.append(f"{page_file.name if page_file else page}: does not show the current "
                                f"line of {path} [{tag}]: {wanted}")
                break

# 3b. No page shows a snippet marker (a TODO span's, say) inside its code.
for page_file in sorted(site.glob("*.html")):
    for line in rendered_lines(page_file.read_text()):
        if re.match(r"^//! \[", line):
            problems.append(f"{page_file.name}: shows the marker line {line}")
            break

# 4. Every captured run exited 0.
for run in sorted((docs_dir / "output").glob("*-run.txt")):
    last = run.read_text().rstrip().splitlines()[-1]
    if last != "[exit code 0]":
        problems.append(f"{run.name}: the captured run ended with {last}")

# 5. Internal links and images resolve.
for page in sorted(site.glob("*.html")):
    for target in re.findall(r'(?:href|src)="([^"]+)"', page.read_text()):
        if re.match(r"^(https?:|mailto:|javascript:|#)", target):
            continue
        path = target.split("#")[0].split("?")[0]
        if path and not (page.parent / html.unescape(path)).exists():
            problems.append(f"{page.name}: broken link to {target}")

# 6. Every test a page names by `-R REGEX` exists.
listing = subprocess.run([ctest, "--test-dir", str(docs_dir.parent), "-N"], capture_output=True, text=True).stdout
test_names = re.findall(r"Test\s+#\d+: (\S+)", listing)
for page in pages:
    for regex in re.findall(r"`-R ([^`]+)`", page.read_text()):
        if not any(re.search(regex, name) for name in test_names):
            problems.append(f"{page.relative_to(source_dir)}: no test matches -R {regex}")

for problem in problems:
    print(problem)
print(f"{len(pages)} pages, {len(list(site.glob('*.html')))} HTML files checked: "
      f"{len(problems)} problem(s)")
sys.exit(1 if problems else 0)
