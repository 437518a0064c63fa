#!/usr/bin/env python3
"""The conformance side of ipclab: the claims catalogue, which tests check
which claim, and what the runs found.

  conformance.py index CATALOGUE RELEASE OUT_DIR TEST_SOURCE...
      Checks the catalogue (tests/claims.toml) and the tests, then writes for
      the build: OUT_DIR/claim_expectations.inc (every claim ID with what is
      expected of it in Boost RELEASE, for tests/claims.hpp) and
      OUT_DIR/claims_labels.cmake (each test's claims: CTest gives a test the
      labels `conformance` and its claim IDs). Every TEST in a TEST_SOURCE must begin with
      IPCLAB_CLAIMS("ID", ...) or IPCLAB_CHECKS_THE_CHAPTER(). Exit 1, with
      FILE:LINE: messages, on a duplicate ID, a missing field, a test that names
      no claim or an unknown one.
  conformance.py claims CATALOGUE BUILD_DIR [ID|AREA ...]
      The catalogue, each claim with its tests and its last result.
  conformance.py report CATALOGUE BUILD_DIR... [--json FILE] [--save FILE]
      Reads each build folder's configuration.json, its tests' labels (ctest
      --show-only=json-v1: a claim's tests carry its ID) and ctest's JUnit
      output of its last run (conformance-junit.xml); prints one line a
      configuration and writes the results as JSON; --save also writes them
      where the docs read them.
  conformance.py matrix CATALOGUE SOURCE_DIR BUILD_DIR [--save FILE]
      Runs the conformance tests of BUILD_DIR, and of each other
      configuration (clang 16; Boost 1.74's Interprocess), built and run by
      scripts/dashboard.cmake in a folder of its own under BUILD_DIR/matrix,
      then reports them all. Exit 1 when a
      configuration does not build or a claim FAILs.
  conformance.py boost-1.74 FOLDER
      Downloads Debian's libboost1.74-dev and unpacks it under FOLDER (once;
      never installed) and prints the include folder (scripts/dashboard.cmake).
  conformance.py page CATALOGUE RESULTS.json OUT.md
      The Conformance page of the docs: claims x configurations.
"""
import argparse
import datetime
import html
import json
import os
import pathlib
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ElementTree

AREAS = {
    "SEG": "managed segments",
    "OBJ": "named, unique and anonymous objects",
    "OPT": "offset_ptr",
    "ALC": "allocators and containers",
    "SHM": "shared memory objects, mapped regions and files",
    "SYN": "synchronisation",
    "MQ": "message queues",
    "POOL": "node allocators and pools",
    "PTR": "smart pointers",
    "STRM": "formatting streams",
}
REQUIRED = ["id", "area", "statement", "docs", "header", "platform"]
PLATFORMS = {"portable", "posix", "linux"}
RESULTS = {"differs", "unsupported"}
DOCS_PREFIX = "https://www.boost.org/doc/libs/1_81_0/"
TEST = re.compile(r"^[ \t]*TEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\)\s*\{", re.M)
CLAIMS = re.compile(r"\s*IPCLAB_CLAIMS\(([^)]*)\)\s*;")
CHAPTER = re.compile(r"\s*IPCLAB_CHECKS_THE_CHAPTER\(\)\s*;")


class Problems(list):
    def say(self, where, message):
        self.append(f"{where}: {message}")


def load_catalogue(path, problems):
    """The claims of the catalogue, in order, each with the line of its `id`."""
    text = pathlib.Path(path).read_text()
    try:
        claims = tomllib.loads(text).get("claim", [])
    except tomllib.TOMLDecodeError as error:
        problems.say(path, f"not valid TOML: {error}")
        return []
    id_lines = [text.count("\n", 0, match.start()) + 1 for match in re.finditer(r"^\s*id\s*=", text, re.M)]
    table_lines = [text.count("\n", 0, match.start()) + 1 for match in re.finditer(r"^\[\[claim\]\]", text, re.M)]
    seen = {}
    for i, claim in enumerate(claims):
        line = id_lines[i] if i < len(id_lines) else (table_lines[i] if i < len(table_lines) else 0)
        claim["line"] = line
        where = f"{path}:{line}"
        for field in REQUIRED:
            if not str(claim.get(field, "")).strip():
                problems.say(where, f"claim {claim.get('id', '#' + str(i + 1))} has no '{field}'")
        cid = claim.get("id", "")
        if cid in seen:
            problems.say(where, f"duplicate ID {cid} (first at line {seen[cid]})")
        seen.setdefault(cid, line)
        if claim.get("area") and claim["area"] not in AREAS:
            problems.say(where, f"{cid}: unknown area '{claim['area']}' (areas: {', '.join(AREAS)})")
        if cid and claim.get("area") and not re.fullmatch(re.escape(claim["area"]) + r"-\d\d", cid):
            problems.say(where, f"the ID {cid} is not AREA-NN for area {claim.get('area')}")
        if claim.get("platform") and claim["platform"] not in PLATFORMS:
            problems.say(where, f"{cid}: platform '{claim['platform']}' is not one of {sorted(PLATFORMS)}")
        if claim.get("docs") and not claim["docs"].startswith(DOCS_PREFIX):
            problems.say(where, f"{cid}: docs link does not point into Boost 1.81's documentation ({DOCS_PREFIX})")
        if claim.get("doc_differs") and not claim.get("note"):
            problems.say(where, f"{cid}: doc_differs needs a note saying what the documentation says")
        for release, expected in claim.get("releases", {}).items():
            if expected.get("result") not in RESULTS:
                problems.say(where, f"{cid}: release {release}: result is one of {sorted(RESULTS)}")
            for field in ("expected", "reference"):
                if not expected.get(field):
                    problems.say(where, f"{cid}: release {release} has no '{field}'")
    return claims


def expectation(claim, release):
    """holds, differs or unsupported: what the catalogue expects of `claim` in Boost `release`."""
    return claim.get("releases", {}).get(release, {}).get("result", "holds")


def scan_tests(sources, known, problems):
    """{"Suite.Name": [claim IDs]} for every TEST of `sources`; a test of the chapter program maps to []."""
    index = {}
    for source in sources:
        text = pathlib.Path(source).read_text()
        for test in TEST.finditer(text):
            line = text.count("\n", 0, test.start()) + 1
            name = f"{test.group(1)}.{test.group(2)}"
            body = text[test.end():]
            claims = CLAIMS.match(body)
            if claims:
                ids = re.findall(r'"([^"]*)"', claims.group(1))
                if not ids:
                    problems.say(f"{source}:{line}", f"{name} names no claim in IPCLAB_CLAIMS()")
                for cid in ids:
                    if cid not in known:
                        problems.say(f"{source}:{line}", f"{name} names {cid}, which tests/claims.toml does not hold")
                index[name] = ids
            elif CHAPTER.match(body):
                index[name] = []
            else:
                problems.say(f"{source}:{line}", f"{name} begins with neither IPCLAB_CLAIMS(\"ID\", ...) "
                             "(the documented behaviours it checks) nor IPCLAB_CHECKS_THE_CHAPTER()")
    return index


def index_command(catalogue, release, out_dir, sources):
    problems = Problems()
    claims = load_catalogue(catalogue, problems)
    known = {claim.get("id") for claim in claims}
    index = scan_tests(sources, known, problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = "\n".join(f'{{"{claim["id"]}", "{expectation(claim, release)}"}},' for claim in claims)
    (out / "claim_expectations.inc").write_text(
        f"// Written by tools/conformance.py from {catalogue} for Boost {release}. Do not edit.\n{rows}\n")
    lines = ["# Written by tools/conformance.py from the tests' IPCLAB_CLAIMS(...): the claims of",
             "# each test that names some, by its GoogleTest name Suite.Name. They become its labels."]
    lines += [f'set("ipclab_claims_{name}" "{";".join(ids)}")' for name, ids in sorted(index.items()) if ids]
    (out / "claims_labels.cmake").write_text("\n".join(lines) + "\n")
    return 0


# ---- results: what a build's last run found, claim by claim

PASS, DIFFERS, FAIL, UNSUPPORTED, NOT_TESTED = "PASS", "DIFFERS AS EXPECTED", "FAIL", "UNSUPPORTED", "NOT TESTED"
ORDER = [PASS, DIFFERS, FAIL, UNSUPPORTED, NOT_TESTED]


def tests_by_claim(build, ctest):
    """{claim ID: [CTest test names]}, from the labels CTest gives each test."""
    listing = subprocess.run([ctest, "--test-dir", str(build), "--show-only=json-v1"],
                             capture_output=True, text=True, check=True)
    found = {}
    for test in json.loads(listing.stdout).get("tests", []):
        labels = next((p["value"] for p in test.get("properties", []) if p["name"] == "LABELS"), [])
        for label in labels:
            if re.fullmatch(r"[A-Z]+-\d\d", label):
                found.setdefault(label, []).append(test["name"])
    return found


def junit_statuses(path):
    """{CTest test name: passed | failed | skipped} from ctest --output-junit, or {} before any run."""
    if not path.exists():
        return {}
    statuses = {}
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            status = "failed"
        elif case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
            status = "skipped"
        else:
            status = "passed"
        statuses[case.get("name")] = status
    return statuses


def claim_result(claim, release, tests, statuses):
    """(result, why): what the tests of one claim found, against what the catalogue expects."""
    expected = expectation(claim, release)
    ran = [statuses[test] for test in tests if test in statuses]
    if not tests or not ran:
        return NOT_TESTED, "no test names it" if not tests else "its tests have not run"
    if "failed" in ran:
        return FAIL, "a test failed"
    if all(status == "skipped" for status in ran):
        return (UNSUPPORTED, claim["releases"][release]["expected"]) if expected == "unsupported" else (
            FAIL, "its tests were skipped, yet the catalogue expects it to " + expected)
    if expected == "unsupported":
        return FAIL, "its tests ran, yet the catalogue says this release lacks its API"
    if expected == "differs":
        return DIFFERS, claim["releases"][release]["reference"]
    return PASS, ""


def results_of(catalogue, build, ctest):
    configuration = json.loads((build / "conformance" / "configuration.json").read_text())
    release = configuration["boost"]
    by_claim = tests_by_claim(build, ctest)
    statuses = junit_statuses(build / "conformance-junit.xml")
    claims = {}
    for claim in catalogue:
        tests = by_claim.get(claim["id"], [])
        result, why = claim_result(claim, release, tests, statuses)
        claims[claim["id"]] = {"result": result, "why": why,
                               "tests": [{"name": test, "status": statuses.get(test, "not run")} for test in tests]}
    summary = {result: sum(1 for c in claims.values() if c["result"] == result) for result in ORDER}
    return {**configuration, "claims": claims, "summary": summary}


def top_line(configuration):
    n = configuration["summary"]
    compiler = configuration["compiler"].replace("gcc", "g++")
    line = (f"Boost {configuration['boost']}, {compiler}: {n[PASS]} claims hold, {n[DIFFERS]} documented "
            f"differences, {n[FAIL]} failures")
    if n[UNSUPPORTED]:
        line += f", {n[UNSUPPORTED]} unsupported"
    return line + f", {n[NOT_TESTED]} not tested"


def load_checked(path):
    problems = Problems()
    claims = load_catalogue(path, problems)
    if problems:
        sys.exit("\n".join(problems))
    return claims


def report_command(catalogue_path, builds, json_out, save, ctest):
    catalogue = load_checked(catalogue_path)
    configurations = [results_of(catalogue, pathlib.Path(build), ctest) for build in builds
                      if (pathlib.Path(build) / "conformance" / "configuration.json").exists()]
    for configuration in configurations:
        print(top_line(configuration))
        for cid, claim in configuration["claims"].items():
            if claim["result"] == FAIL:
                print(f"  FAIL {cid}: {claim['why']}: "
                      + ", ".join(t["name"] for t in claim["tests"] if t["status"] != "passed"))
    report = {"generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "configurations": configurations}
    for out in filter(None, [json_out, save]):
        pathlib.Path(out).parent.mkdir(parents=True, exist_ok=True)
        pathlib.Path(out).write_text(json.dumps(report, indent=1) + "\n")
        print(f"written: {out}")
    return 1 if any(c["summary"][FAIL] for c in configurations) else 0


def claims_command(catalogue_path, build, filters, ctest):
    catalogue = load_checked(catalogue_path)
    build = pathlib.Path(build)
    results = results_of(catalogue, build, ctest)["claims"] if (build / "conformance").exists() else {}
    wanted = [claim for claim in catalogue
              if not filters or any(f.upper() in (claim["id"], claim["area"]) for f in filters)]
    if not wanted:
        print(f"ipclab: no claim is {' or '.join(filters)}: claims are AREA-NN, areas {', '.join(AREAS)}",
              file=sys.stderr)
        return 2
    whole = len(wanted) <= 3
    for claim in wanted:
        result = results.get(claim["id"], {"result": NOT_TESTED, "tests": []})
        if not whole:
            print(f"{claim['id']:7} {result['result']:20} {claim['statement'][:70]}")
            continue
        print(f"{claim['id']}  ({AREAS[claim['area']]}; {claim['platform']})\n  {claim['statement']}")
        if claim.get("note"):
            print(f"  The documentation differs: {claim['note']}")
        print(f"  docs:   {claim['docs']}\n  header: {claim['header']}")
        for release, expected in claim.get("releases", {}).items():
            print(f"  Boost {release}: {expected['result']}: {expected['expected']} ({expected['reference']})")
        print(f"  last result here: {result['result']}" + (f" ({result['why']})" if result.get("why") else ""))
        for test in result["tests"]:
            print(f"    {test['status']:8} {test['name']}")
        print()
    return 0


# ---- the matrix: each configuration built in a folder of its own, run, reported

# Beside the build that runs the matrix (g++ against the installed Boost 1.81),
# each built by scripts/dashboard.cmake in BUILD_DIR/matrix/NAME.
MATRIX = ["clang-16", "boost-1.74"]


def say(text):
    print(f"matrix: {text}", flush=True)


def boost_1_74_headers(folder):
    """Debian's libboost1.74-dev, downloaded and unpacked under `folder`, never installed: its include folder."""
    folder = pathlib.Path(folder)
    include = folder / "boost-1.74" / "usr" / "include"
    if (include / "boost" / "version.hpp").exists():
        return include
    downloads = folder / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    print("downloading libboost1.74-dev (apt-get download: not installed)", file=sys.stderr)
    fetch = ["apt-get", "download", "-q", "libboost1.74-dev"]
    if subprocess.run(fetch, cwd=downloads, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(fetch, cwd=downloads, check=True, capture_output=True)
    package = sorted(downloads.glob("libboost1.74-dev_*.deb"))[-1]
    subprocess.run(["dpkg-deb", "-x", str(package), str(folder / "boost-1.74")], check=True)
    return include


def run_conformance(build, ctest):
    """The conformance tests of one build, with their JUnit results where the report reads them."""
    jobs = str(os.cpu_count() or 2)
    return subprocess.run([ctest, "--test-dir", str(build), "-L", "^conformance$", "-j", jobs, "--no-label-summary",
                           "--output-junit", "conformance-junit.xml", "--output-on-failure"],
                          capture_output=True, text=True)


def matrix_command(catalogue_path, source, build, save, ctest):
    source, build = pathlib.Path(source), pathlib.Path(build)
    name = json.loads((build / "conformance" / "configuration.json").read_text())["name"]
    say(f"running the conformance tests of {name} ({build})")
    run_conformance(build, ctest)
    folders, failed = [build], []
    for configuration in MATRIX:
        folder = build / "matrix" / configuration
        say(f"{configuration}: configuring, building (a clean build takes two minutes or so) and running "
            f"its conformance tests in {folder}")
        run = subprocess.run([ctest, "-S", f"{source}/scripts/dashboard.cmake,{configuration}"],
                             env={**os.environ, "IPCLAB_DASHBOARD_BUILD": str(folder)}, capture_output=True, text=True)
        if not (folder / "conformance-junit.xml").exists() or "the build failed" in run.stdout + run.stderr:
            failed.append(f"{configuration} did not build or run:\n{(run.stdout + run.stderr)[-4000:]}")
            continue
        folders.append(folder)
    code = report_command(catalogue_path, [str(f) for f in folders], str(build / "conformance" / "report.json"),
                          save, ctest)
    for failure in failed:
        print(f"matrix: {failure}", file=sys.stderr)
    return 1 if failed or code else 0


# ---- the docs' Conformance page

CELL_CLASS = {PASS: "pass", DIFFERS: "differs", FAIL: "fail", UNSUPPORTED: "unsupported", NOT_TESTED: "untested"}


def page_command(catalogue_path, results_path, out):
    catalogue = load_checked(catalogue_path)
    results = json.loads(pathlib.Path(results_path).read_text()) if pathlib.Path(results_path).exists() else None
    configurations = results["configurations"] if results else []
    lines = ["# Conformance {#conformance}", "", INTRO.strip(), ""]
    if not configurations:
        lines += ["No results are saved yet: `./ipclab matrix --save` runs every configuration and saves them.", ""]
    else:
        lines += [f"Results saved {results['generated']}:", ""]
        lines += [f"- **{c['name']}**: {top_line(c)}" for c in configurations] + [""]
    lines += ["\\htmlonly", "<p>Area: <select id=\"area\" onchange=\"ipclabFilter()\"><option value=\"\">all</option>"]
    lines += [f'<option value="{area}">{area}: {html.escape(name)}</option>' for area, name in AREAS.items()]
    lines += ["</select> Result: <select id=\"result\" onchange=\"ipclabFilter()\"><option value=\"\">any</option>"]
    lines += [f'<option value="{CELL_CLASS[r]}">{r}</option>' for r in ORDER]
    lines += ["</select></p>", '<table class="conformance"><thead><tr><th>claim</th><th>what Boost.Interprocess 1.81 promises</th>']
    lines += [f"<th>{html.escape(c['name'])}</th>" for c in configurations] + ["</tr></thead><tbody>"]
    for claim in catalogue:
        cells, tests = [], set()
        for c in configurations:
            entry = c["claims"].get(claim["id"], {"result": NOT_TESTED, "why": "", "tests": []})
            why = f"<br><small>{html.escape(entry['why'])}</small>" if entry["result"] in (DIFFERS, FAIL, UNSUPPORTED) else ""
            cells.append(f'<td class="{CELL_CLASS[entry["result"]]}">{entry["result"]}{why}</td>')
            tests.update(t["name"].split(".", 1)[-1] for t in entry["tests"])
        results_classes = " ".join(sorted({cell.split('"')[1] for cell in cells}))
        note = f"<br><small>The documentation differs: {html.escape(claim['note'])}</small>" if claim.get("note") else ""
        test_list = ", ".join(f"<code>{html.escape(t)}</code>" for t in sorted(tests))
        test_list = f'<br><small class="tests">tests: {test_list}</small>' if test_list else ""
        lines.append(f'<tr id="{claim["id"]}" data-area="{claim["area"]}" data-results="{results_classes}">'
                     f'<td><a href="{html.escape(claim["docs"])}">{claim["id"]}</a></td>'
                     f"<td>{html.escape(claim['statement'])}{note}{test_list}</td>{''.join(cells)}</tr>")
    lines += ["</tbody></table>", SCRIPT.strip(), "\\endhtmlonly", ""]
    pathlib.Path(out).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(out).write_text("\n".join(lines) + "\n")
    return 0


SCRIPT = """
<script>
function ipclabFilter() {
  const area = document.getElementById('area').value, result = document.getElementById('result').value;
  for (const row of document.querySelectorAll('table.conformance tbody tr'))
    row.style.display = (!area || row.dataset.area === area) &&
                        (!result || row.dataset.results.split(' ').includes(result)) ? '' : 'none';
}
</script>
"""

INTRO = """
Which documented behaviours of Boost.Interprocess hold, claim by claim, in
each configuration (a Boost release and a compiler) that `./ipclab matrix`
built and ran. The claims are ipclab's catalogue, `tests/claims.toml`: each
states a documented behaviour in ipclab's words, links the section of
Boost 1.81's documentation it comes from and the header line where the 1.81
code shows it, and says what an older release does where that differs. Each
conformance test names the claims it checks (`IPCLAB_CLAIMS("SYN-05")`),
and CTest gives it those IDs as labels: `./ipclab test -L SYN-05` runs the
tests of one claim, `./ipclab claims SYN-05` shows it with its tests and
their last results.

A cell says what a configuration's tests found:

- **PASS**: every test of the claim passed.
- **DIFFERS AS EXPECTED**: the release behaves otherwise than 1.81's
  documentation says, as the catalogue records (with the reference), and
  the tests observed exactly that. The tests read the expectation from the
  catalogue: a catalogue that expected the wrong thing would fail the run.
- **FAIL**: a test failed; `./ipclab matrix` fails.
- **UNSUPPORTED**: the release lacks the API the claim is about (decided
  when compiling: the test is built without it and skipped).
- **NOT TESTED**: no test names the claim yet.

**How another release is tested.** Debian 12 packages Boost 1.74 beside
1.81, but the two packages conflict. `./ipclab matrix` downloads
`libboost1.74-dev` with `apt-get download` and unpacks it into the build
folder (`dpkg-deb -x`), never installing it. The 1.74 configuration puts
1.74's Interprocess, Container, Intrusive and Move headers ahead of the
installed ones (`IPCLAB_INTERPROCESS_DIR`); everything else, Boost.Process v2
(which 1.74 lacks) and Asio among them, is the installed 1.81's. So the
harness spawns children the same way in every configuration, and what
differs is Interprocess and the containers it builds on. The code learns the
release under test from `IPCLAB_INTERPROCESS_VERSION` (`BOOST_VERSION` still
says 1.81, from the installed `boost/version.hpp`). Where 1.81 code names
something 1.74 lacks, `harness/interprocess_release.hpp` supplies the name
(never the behaviour): `not_recoverable`. The limit: a difference caused by
another part of Boost 1.74 is not seen.

**Adding a machine.** Every configuration is one CTest dashboard run,
`ctest -S scripts/dashboard.cmake,CONFIGURATION` with `gcc`, `clang-16` or
`boost-1.74`: it configures and builds `build/dashboard/CONFIGURATION`, runs
the conformance tests and names the build after the configuration
(`boost-1.74-gcc-12-debian-12`). A machine of a CI farm (another
distribution, compiler or architecture) clones the repository, runs
`scripts/bootstrap` (or installs the same packages its own way), sets
`IPCLAB_CDASH_SUBMIT_URL` to the dashboard's submit address
(`https://CDASH/submit.php?project=ipclab`) and runs the script once a
configuration, for example nightly from cron; its results then appear on
the dashboard beside every other machine's, one row a build name and site.
Without the variable nothing is sent, and the results stay in the build
folder (`Testing/`, `conformance-junit.xml`), where `ipclab report` reads
them.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index")
    index.add_argument("catalogue"), index.add_argument("release"), index.add_argument("out_dir")
    index.add_argument("sources", nargs="*")
    claims = commands.add_parser("claims")
    claims.add_argument("catalogue"), claims.add_argument("build"), claims.add_argument("filters", nargs="*")
    report = commands.add_parser("report")
    report.add_argument("catalogue"), report.add_argument("builds", nargs="+")
    report.add_argument("--json"), report.add_argument("--save")
    matrix = commands.add_parser("matrix")
    matrix.add_argument("catalogue"), matrix.add_argument("source"), matrix.add_argument("build")
    matrix.add_argument("--save")
    headers = commands.add_parser("boost-1.74")
    headers.add_argument("folder")
    page = commands.add_parser("page")
    page.add_argument("catalogue"), page.add_argument("results"), page.add_argument("out")
    args = parser.parse_args()
    ctest = os.environ.get("IPCLAB_CTEST", "ctest")
    if args.command == "index":
        return index_command(args.catalogue, args.release, args.out_dir, args.sources)
    if args.command == "claims":
        return claims_command(args.catalogue, args.build, args.filters, ctest)
    if args.command == "report":
        return report_command(args.catalogue, args.builds, args.json, args.save, ctest)
    if args.command == "boost-1.74":
        print(boost_1_74_headers(args.folder))
        return 0
    if args.command == "matrix":
        return matrix_command(args.catalogue, args.source, args.build, args.save, ctest)
    return page_command(args.catalogue, args.results, args.out)


if __name__ == "__main__":
    sys.exit(main())
