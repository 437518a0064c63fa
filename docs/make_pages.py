#!/usr/bin/env python3
"""Writes the tutorial's main page and chapter pages from the chapters' metadata.

  make_pages.py OUT_DIR MAINPAGE_IN CHAPTER_DIR...

For each chapter folder (in teaching order) it reads chapter.json and
chapter.md and writes OUT_DIR/chNN.md: the title, the links to the previous
and next chapters, the goal (chapter.md's first paragraph), the concepts, the
rest of chapter.md, and, for a chapter with an exercise, the exercise: what
`ipclab verify` does, the tests that check a learner's program, the hint and
the starter the build wrote. MAINPAGE_IN's @IPCLAB_CHAPTER_LIST@ becomes the
table of chapters. (The main page links the pages with \\ref, not
\\subpage: Doxygen's tree shows only pages that are nobody's subpage, in the
order of its INPUT.)
"""
import json
import pathlib
import sys


def nav(previous, following):
    left = f"Previous: \\ref ch{previous}" if previous else ""
    right = f"Next: \\ref ch{following}" if following else ""
    return f'<div class="chapter-nav"><span>{left}</span><span>{right}</span></div>'


EXAMPLES = "https://github.com/boostorg/interprocess/blob/boost-1.81.0/example/"


def examples_line(examples):
    links = " and ".join(f"[`{name}`]({EXAMPLES}{name})" for name in examples)
    return f"This chapter rewrites Boost's example {links} as two processes that check each other." if examples else ""


def concepts_section(concepts):
    lines = ["## Concepts", ""]
    for concept in concepts:
        name = f"[{concept['name']}]({concept['link']}): " if concept.get("link") else ""
        lines.append(f"- {name}{concept['text']}")
    return "\n".join(lines)


def exercise_section(number, folder, exercise):
    checks = "\n".join(f"- `{check}`" for check in exercise["checks"])
    return f"""## Exercise {{#ch{number}_exercise}}

`./ipclab verify {number}` copies the starter to `exercises/{folder}.cpp` the
first time; fill in its `TODO`s there and run the command again (`--watch`
checks on every save). Your program is run as parent and child, then checked
by these tests of this chapter:

{checks}

`./ipclab hint {number}` says:

\\verbinclude {folder}/hint.md

The starter is this chapter's program with the steps marked `TODO` taken out;
the build writes it from `chapters/{folder}/main.cpp`, which is the solution.

<details><summary>The starter, `exercises/{folder}.cpp`</summary>

\\include {folder}.cpp

</details>"""


def chapter_page(chapter, previous, following):
    number, folder, meta = chapter["number"], chapter["folder"], chapter["meta"]
    body = chapter["body"].strip("\n")
    goal, _, rest = body.partition("\n\n")
    parts = [f"# {number} {meta['title']} {{#ch{number}}}", nav(previous, following), goal]
    if meta.get("boost_examples"):
        parts.append(examples_line(meta["boost_examples"]))
    if meta.get("concepts"):
        parts.append(concepts_section(meta["concepts"]))
    parts.append(rest)
    if meta.get("exercise"):
        parts.append(exercise_section(number, folder, meta["exercise"]))
    parts.append(nav(previous, following))
    return "\n\n".join(parts) + "\n"


def chapter_row(chapter):
    meta, number = chapter["meta"], chapter["number"]
    run = f"`./ipclab run {number}`" if meta.get("exercise") else "`./ipclab bench`"
    return f"| \\ref ch{number} | {meta['summary']} | {run} |"


def main():
    out_dir, mainpage_in = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    chapters = []
    for folder in map(pathlib.Path, sys.argv[3:]):
        chapters.append({"number": folder.name[:2], "folder": folder.name,
                         "meta": json.loads((folder / "chapter.json").read_text()),
                         "body": (folder / "chapter.md").read_text()})
    out_dir.mkdir(parents=True, exist_ok=True)
    for i, chapter in enumerate(chapters):
        previous = chapters[i - 1]["number"] if i > 0 else None
        following = chapters[i + 1]["number"] if i + 1 < len(chapters) else None
        (out_dir / f"ch{chapter['number']}.md").write_text(chapter_page(chapter, previous, following))
    table = "\n".join(chapter_row(chapter) for chapter in chapters)
    (out_dir / "mainpage.md").write_text(mainpage_in.read_text().replace("@IPCLAB_CHAPTER_LIST@", table))


if __name__ == "__main__":
    main()
