#!/usr/bin/env bash
# Proves, from the kernel's side, that a chapter test shares one segment
# between two processes: under strace -f, the test process creates
# /dev/shm/ipclab-... and a second process, which executed the chapter
# program, opens the same name.
#   segment_opened_by_two_processes.sh TEST_PROGRAM GTEST_FILTER CHAPTER_PROGRAM
set -euo pipefail
test_program=$1 filter=$2 chapter_program=$3
log=$(mktemp)
# LeakSanitizer cannot run under ptrace: in a sanitizer build, leave leak checks to the other tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
trap 'rm -f "$log"' EXIT

if ! strace -f -qq -e trace=openat,execve -o "$log" "$test_program" --gtest_filter="$filter" >/dev/null; then
  echo "FAIL: $test_program --gtest_filter=$filter failed under strace" >&2
  exit 1
fi

created=$(grep -E 'openat\(.*"/dev/shm/ipclab-[^"]+".*O_CREAT' "$log" | head -1 || true)
[[ -n $created ]] || { echo "FAIL: no process created an ipclab segment" >&2; exit 1; }
creator=${created%% *}
segment=$(sed -E 's/.*"(\/dev\/shm\/ipclab-[^"]+)".*/\1/' <<<"$created")

openers=$(grep -F "\"$segment\"" "$log" | grep -v O_CREAT | awk '{print $1}' | sort -u)
for pid in $openers; do
  if [[ $pid != "$creator" ]] && grep -qE "^$pid +execve\(\"$chapter_program\"" "$log"; then
    echo "PASS: $segment created by process $creator and opened by process $pid ($(basename "$chapter_program"))"
    exit 0
  fi
done
echo "FAIL: $segment was created by process $creator but no process running $chapter_program opened it" >&2
grep -F "$segment" "$log" >&2
exit 1
