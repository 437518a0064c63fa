#!/usr/bin/env python3
"""tools/conformance.py on inputs of its own: what stops the build, and how a
claim's result follows from its tests and the catalogue.

  conformance_test.py CONFORMANCE_PY CXX INCLUDE_DIR... 

- `index` fails, naming FILE:LINE, on a duplicate ID, a missing field, an
  unknown area, a 1.74 entry without its reference, a test that begins with
  neither macro, and a test that names an unknown ID; it writes the
  expectations and the labels of a good catalogue;
- a claim's result: PASS, DIFFERS AS EXPECTED, UNSUPPORTED, FAIL, NOT TESTED;
- an ID the catalogue lacks does not compile (tests/claims.hpp).
"""
import importlib.util
import pathlib
import subprocess
import sys
import tempfile

tool, cxx, includes = sys.argv[1], sys.argv[2], sys.argv[3:]
spec = importlib.util.spec_from_file_location("conformance", tool)
conformance = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conformance)
failures = []


def expect(label, holds, detail=""):
    if not holds:
        failures.append(f"{label}: {detail}")


DOCS = "https://www.boost.org/doc/libs/1_81_0/doc/html/interprocess.html"


def claim(cid, **fields):
    values = {"id": cid, "area": cid.split("-")[0], "statement": "It holds.", "docs": DOCS,
              "header": "boost/interprocess/x.hpp:1", "platform": "portable", **fields}
    lines = ["[[claim]]"] + [f'{key} = "{value}"' for key, value in values.items() if value is not None]
    return "\n".join(lines) + "\n\n"


GOOD = (claim("SEG-01") + claim("SYN-05") + '[claim.releases."1.74"]\nresult = "differs"\n'
        'expected = "It blocks."\nreference = "Boost 1.78 release notes"\n\n' + claim("SYN-02"))
TESTS = """
TEST_F(Mutexes, DeadHolder) {
  IPCLAB_CLAIMS("SYN-05", "SEG-01");
}
TEST(Chapter07Program, Runs) {
  IPCLAB_CHECKS_THE_CHAPTER();
}
"""

with tempfile.TemporaryDirectory(prefix="ipclab-conformance-") as work:
    work = pathlib.Path(work)

    def index(catalogue_text, tests_text, release="1.81"):
        (work / "claims.toml").write_text(catalogue_text)
        (work / "a_test.cpp").write_text(tests_text)
        return subprocess.run([sys.executable, tool, "index", str(work / "claims.toml"), release, str(work / "out"),
                               str(work / "a_test.cpp")], capture_output=True, text=True)

    run = index(GOOD, TESTS, "1.74")
    expect("good", run.returncode == 0, run.stderr)
    expectations = (work / "out" / "claim_expectations.inc").read_text()
    expect("good", '{"SYN-05", "differs"},' in expectations and '{"SEG-01", "holds"},' in expectations, expectations)
    labels = (work / "out" / "claims_labels.cmake").read_text()
    expect("good", 'set("ipclab_claims_Mutexes.DeadHolder" "SYN-05;SEG-01")' in labels, labels)
    expect("good", "Chapter07Program" not in labels, "a chapter test got claims")

    catalogue = str(work / "claims.toml")
    for label, catalogue_text, tests_text, message in [
        ("duplicate", GOOD + claim("SEG-01"), TESTS, f"{catalogue}:31: duplicate ID SEG-01 (first at line 2)"),
        ("missing field", GOOD + claim("SEG-02", docs=None), TESTS, f"{catalogue}:31: claim SEG-02 has no 'docs'"),
        ("unknown area", GOOD + claim("ABC-01"), TESTS, f"{catalogue}:31: ABC-01: unknown area 'ABC'"),
        ("release without reference", GOOD.replace('reference = "Boost 1.78 release notes"\n', ""), TESTS,
         f"{catalogue}:10: SYN-05: release 1.74 has no 'reference'"),
        ("no macro", GOOD, TESTS + "TEST(Suite, Bare) {\n  EXPECT_TRUE(true);\n}\n",
         f"{work / 'a_test.cpp'}:8: Suite.Bare begins with neither IPCLAB_CLAIMS"),
        ("unknown ID", GOOD, TESTS.replace('"SEG-01"', '"SEG-99"'),
         f"{work / 'a_test.cpp'}:2: Mutexes.DeadHolder names SEG-99, which tests/claims.toml does not hold"),
    ]:
        run = index(catalogue_text, tests_text)
        expect(label, run.returncode == 1, f"exit {run.returncode}")
        expect(label, message in run.stderr, f"stderr does not say {message!r}:\n{run.stderr}")

    # A claim's result, from its tests' statuses and what the catalogue expects of the release.
    holds, differs = {"id": "SEG-01"}, {"id": "SYN-05", "releases": {"1.74": {"result": "differs", "expected": "x",
                                                                                "reference": "notes"}}}
    unsupported = {"id": "SYN-02", "releases": {"1.74": {"result": "unsupported", "expected": "no chrono",
                                                           "reference": "notes"}}}
    for label, entry, release, statuses, wanted in [
        ("pass", holds, "1.81", {"t": "passed", "u": "passed"}, "PASS"),
        ("a failure", holds, "1.81", {"t": "passed", "u": "failed"}, "FAIL"),
        ("differs as expected", differs, "1.74", {"t": "passed"}, "DIFFERS AS EXPECTED"),
        ("differs, but failed", differs, "1.74", {"t": "failed"}, "FAIL"),
        ("holds in 1.81", differs, "1.81", {"t": "passed"}, "PASS"),
        ("unsupported", unsupported, "1.74", {"t": "skipped"}, "UNSUPPORTED"),
        ("unsupported, yet it ran", unsupported, "1.74", {"t": "passed"}, "FAIL"),
        ("skipped, though expected to hold", holds, "1.81", {"t": "skipped"}, "FAIL"),
        ("one skipped, one passed", holds, "1.81", {"t": "skipped", "u": "passed"}, "PASS"),
        ("no test", holds, "1.81", {}, "NOT TESTED"),
    ]:
        tests = list(statuses) or []
        result, why = conformance.claim_result(entry, release, tests, statuses)
        expect(label, result == wanted, f"{result} ({why}), not {wanted}")
    result, why = conformance.claim_result(differs, "1.74", ["t"], {"t": "passed"})
    expect("reference", why == "notes", f"a difference's reason is its reference, not {why!r}")

    # An ID the catalogue lacks stops the compiler at the test that names it.
    (work / "claim_expectations.inc").write_text('{"SEG-01", "holds"},\n')
    probe = work / "probe.cpp"
    probe.write_text('#include "claims.hpp"\n'
                     'void known() { constexpr ipclab::support::claim_id id("SEG-01"); (void)id; }\n'
                     'void unknown() { constexpr ipclab::support::claim_id id("SEG-99"); (void)id; }\n')
    command = [cxx, "-std=c++20", "-fsyntax-only", f"-I{work}"] + [f"-I{i}" for i in includes] + [str(probe)]
    compiled = subprocess.run(command, capture_output=True, text=True)
    expect("compile", compiled.returncode != 0, "an unknown ID compiled")
    expect("compile", f"{probe}:3" in compiled.stderr and f"{probe}:2" not in compiled.stderr,
           f"the error is not at the unknown ID's line alone:\n{compiled.stderr[:2000]}")

for failure in failures:
    print("FAIL", failure)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
