#!/usr/bin/env bash
# scripts/suite-profile on a CTest directory of its own, whose one test runs
# chapter 01 (a parent that spawns its child) and then waits 0.3 s itself: the
# profile must count one test process, one start of ipclab-ch01 spawned by it
# (the chapter's child is the parent's, not the test's), and at least 0.3 s of
# the test's own time.
#   suite_profile_test.sh SUITE_PROFILE CHAPTER_01_PROGRAM
set -euo pipefail
profile=$1 chapter=$(realpath "$2")
# LeakSanitizer cannot run under ptrace: in a sanitizer build, leave leak checks to the other tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
suite=$(mktemp -d)
trap 'rm -rf "$suite"' EXIT
cat >"$suite/CTestTestfile.cmake" <<CTEST
add_test(spawns_then_waits python3 -c "import subprocess, time; subprocess.run(['$chapter'], check=True, capture_output=True); time.sleep(0.3)")
CTEST

out=$("$profile" "$suite")
echo "$out"
failures=0
expect() {  # expect WHAT CONDITION
  if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}
tests=$(sed -nE 's/.*; ([0-9]+) test processes.*/\1/p' <<<"$out")
starts=$(awk '$1 == "ipclab-ch01" { print $2 }' <<<"$out")
own=$(sed -nE 's/.*none was \(their own work and waits\): *([0-9.]+) s.*/\1/p' <<<"$out")
spawned_lines=$(sed -n '/by program:/,/^$/p' <<<"$out" | grep -c '^  [^ p]' || true)
expect "one test process (got '$tests')" '[[ $tests == 1 ]]'
expect "ipclab-ch01 started once by the test (got '$starts')" '[[ $starts == 1 ]]'
expect "nothing else spawned by the test (got $spawned_lines programs)" '[[ $spawned_lines == 1 ]]'
expect "at least 0.3 s of the test's own time (got '$own' s)" '[[ -n $own ]] && python3 -c "import sys; sys.exit(not float(\"$own\") >= 0.3)"'
exit $((failures > 0))
