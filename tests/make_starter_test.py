#!/usr/bin/env python3
"""cmake/make_starter.py, on small programs of its own: what a TODO span becomes
in a starter, and the errors that stop the build.

  make_starter_test.py MAKE_STARTER WORK_DIR
"""
import pathlib
import subprocess
import sys

make_starter, work = sys.argv[1], pathlib.Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)
failures = []


def run(source):
    main = work / "main.cpp"
    main.write_text(source)
    out = work / "starter.cpp"
    out.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, make_starter, str(main), "42", "A test", str(out)],
                            capture_output=True, text=True)
    return result, out.read_text() if out.exists() else None


def expect(label, holds, detail):
    if not holds:
        failures.append(f"{label}: {detail}")


GOOD = """// the lesson
//! [parent]
void parent() {
  //! [todo 1: create it]
  // create_only: a new one
  managed_shared_memory segment(create_only, "x",
                                1024);
  //! [todo end]
  //! [todo 2: read two things]
  const managed_shared_memory::size_type free_before = segment.get_free_memory();
  MyVector& v = *segment.find<MyVector>("v").first;
  void* block = segment.allocate(16);
  //! [todo end]
  //! [todo 3: give it back]
  segment.deallocate(block);
  //! [todo end]
}
//! [parent]
"""
result, starter = run(GOOD)
expect("good program", result.returncode == 0, result.stderr)
if starter:
    for wanted in [
        "// Exercise 42: A test.",
        "  // TODO 1: create it\n  // create_only: a new one\n"
        "  managed_shared_memory segment = harness::todo<managed_shared_memory>(\"1: create it\");\n",
        "  const managed_shared_memory::size_type free_before = "
        "harness::todo<managed_shared_memory::size_type>(\"2: read two things\");\n",
        "  MyVector& v = harness::todo<MyVector&>(\"2: read two things\");\n",
        "  void* block = harness::todo<void*>(\"2: read two things\");\n",
        "  // TODO 3: give it back\n  harness::todo(\"3: give it back\");\n",
        "// the lesson\nvoid parent() {\n",
    ]:
        expect("good program", wanted in starter, f"the starter lacks:\n{wanted}\n--- starter:\n{starter}")
    for unwanted in ["//! [", "create_only, \"x\"", "segment.deallocate(block)", "get_free_memory()"]:
        expect("good program", unwanted not in starter, f"the starter still holds {unwanted!r}")

for label, source, message in [
    ("auto", "//! [todo 1: x]\n  auto n = f();\n//! [todo end]\n",
     "main.cpp:2: TODO 1 declares 'n' with auto: spell its type"),
    ("unclosed", "int a;\n//! [todo 1: x]\n  f();\n", "main.cpp:2: TODO 1 has no 'todo end'"),
    ("out of order", "//! [todo 2: x]\n  f();\n//! [todo end]\n", "main.cpp:1: TODO 2 should be TODO 1"),
    ("nested", "//! [todo 1: x]\n//! [todo 2: y]\n", "main.cpp:2: TODO 2 begins inside TODO 1"),
    ("end alone", "f();\n//! [todo end]\n", "main.cpp:2: 'todo end' without a TODO"),
    ("half a statement", "//! [todo 1: x]\n  f(a,\n//! [todo end]\n  b);\n",
     "main.cpp:2: the span ends inside a statement"),
    ("no span", "int main() {}\n", "main.cpp:1: no TODO span"),
]:
    result, starter = run(source)
    expect(label, result.returncode == 1, f"exit {result.returncode}, not 1")
    expect(label, starter is None, "wrote a starter anyway")
    expect(label, message in result.stderr, f"stderr does not say {message!r}: {result.stderr!r}")

for failure in failures:
    print(failure)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
