#!/usr/bin/env python3
"""Writes an exercise starter from its chapter's program, the reference solution.

  make_starter.py MAIN_CPP NUMBER TITLE OUTPUT

The chapter's main.cpp marks the steps a learner writes:

    //! [todo 1: create the managed segment]
    // create_only: a new segment, owner-only; it fails if the name is taken
    managed_shared_memory segment(create_only, owner.c_str(), size, nullptr, harness::owner_only());
    //! [todo end]

In the starter each such span keeps its comments, under a `// TODO 1: ...`
line, and its code becomes a stand-in that compiles and stops the program
there with "not done yet: TODO 1: ...": `harness::todo("1: ...");` for a
statement, and `TYPE NAME = harness::todo<TYPE>("1: ...");` for each variable
the span declares, so that the code after the span still compiles. A variable
declared with `auto` cannot be stood in for: spell its type.

Spans are numbered 1, 2, ... in the order they appear, which is the order a
run reaches them (the parent's come first). Other `//! [...]` lines (the docs'
snippet markers) are dropped. An error names MAIN_CPP:LINE and exits 1.
"""
import re
import sys

BEGIN = re.compile(r"^(\s*)//! \[todo (\d+): ([^\]]+)\]\s*$")
END = re.compile(r"^\s*//! \[todo end\]\s*$")
MARKER = re.compile(r"^\s*//! \[[^\]]*\]\s*$")
COMMENT = re.compile(r"^\s*//")
# A declaration: [const] TYPE [&|*] NAME followed by (, { or =.
DECLARATION = re.compile(
    r"^(?P<const>const\s+)?(?P<type>[A-Za-z_][\w:]*(?:<.*?>)?(?:::\w+)*)\s*(?P<ref>[&*]?)\s+"
    r"(?P<name>[A-Za-z_]\w*)\s*(?:\(|\{|=)")
NOT_TYPES = {"return", "throw", "delete", "new", "else", "case", "goto", "co_return", "co_yield"}


class StarterError(Exception):
    pass


def statements(lines):
    """The code lines of a span joined into statements, each with its first line number."""
    joined, depth, first = "", 0, None
    for number, line in lines:
        code = line.split("//")[0].strip()
        if not code:
            continue
        first = first or number
        joined += (" " if joined else "") + code
        for char in code:
            depth += char in "([{"
            depth -= char in ")]}"
            if char == ";" and depth == 0:
                yield first, joined
                joined, first = "", None
    if joined:
        raise StarterError(f"{first}: the span ends inside a statement: {joined}")


def stand_ins(indent, number, title, code_lines):
    todo = f'"{number}: {title}"'
    found = []
    for line_number, statement in statements(code_lines):
        match = DECLARATION.match(statement)
        if not match or match["type"] in NOT_TYPES:
            continue
        if match["type"] == "auto":
            raise StarterError(f"{line_number}: TODO {number} declares '{match['name']}' with auto: "
                               "spell its type, so that the starter can declare it too")
        const = match["const"] or ""
        the_type = match["type"] + match["ref"]
        found.append(f"{indent}{const}{the_type} {match['name']} = harness::todo<{the_type}>({todo});")
    return found or [f"{indent}harness::todo({todo});"]


def make_starter(source_lines, number, title, main_path):
    out = [
        f"// Exercise {number}: {title}.",
        f"//",
        f"// The build writes this starter from {main_path}, the chapter's",
        f"// program, with the steps marked TODO left for you: replace each",
        f"// harness::todo(...) with the Boost.Interprocess calls its TODO describes.",
        f"// `./ipclab verify {number}` builds your program and checks it with real",
        f"// processes; `./ipclab hint {number}` gives a hint; the chapter's main.cpp",
        f"// is the solution: try without it first.",
        f"//",
    ]
    expected, span = 1, None
    for number_in_file, line in enumerate(source_lines, start=1):
        begin = BEGIN.match(line)
        if begin:
            if span:
                raise StarterError(f"{number_in_file}: TODO {begin[2]} begins inside TODO {span['number']}")
            if int(begin[2]) != expected:
                raise StarterError(f"{number_in_file}: TODO {begin[2]} should be TODO {expected} "
                                   "(they are numbered in order)")
            span = {"indent": begin[1], "number": begin[2], "title": begin[3].strip(),
                    "line": number_in_file, "comments": [], "code": []}
            continue
        if END.match(line):
            if not span:
                raise StarterError(f"{number_in_file}: 'todo end' without a TODO")
            out.append(f"{span['indent']}// TODO {span['number']}: {span['title']}")
            out += span["comments"]
            out += stand_ins(span["indent"], span["number"], span["title"], span["code"])
            expected, span = expected + 1, None
            continue
        if MARKER.match(line):
            continue
        if span:
            if COMMENT.match(line):
                span["comments"].append(line)
            else:
                span["code"].append((number_in_file, line))
            continue
        out.append(line)
    if span:
        raise StarterError(f"{span['line']}: TODO {span['number']} has no 'todo end'")
    if expected == 1:
        raise StarterError("1: no TODO span: an exercise needs at least one step to write")
    return "\n".join(out) + "\n"


def main():
    main_cpp, number, title, output = sys.argv[1:5]
    with open(main_cpp) as source:
        lines = source.read().splitlines()
    try:
        starter = make_starter(lines, number, title, "chapters/" + main_cpp.split("/chapters/")[-1])
    except StarterError as error:
        print(f"{main_cpp}:{error}", file=sys.stderr)
        return 1
    with open(output, "w") as out:
        out.write(starter)
    return 0


if __name__ == "__main__":
    sys.exit(main())
