#!/usr/bin/env python3
"""Fails when any CTest test of the build lacks LABELS or a TIMEOUT.

  every_test_has_labels_and_timeout.py CTEST BUILD_DIR
"""
import json
import subprocess
import sys

ctest, build = sys.argv[1:3]
listed = subprocess.run([ctest, "--test-dir", build, "--show-only=json-v1"], capture_output=True, text=True)
if listed.returncode != 0:
    sys.exit(f"ctest --show-only failed with {listed.returncode}: {listed.stderr.strip()}")
tests = json.loads(listed.stdout)["tests"]
if len(tests) < 3:
    sys.exit(f"only {len(tests)} tests are registered")
missing = [test["name"] for test in tests
           if not {"LABELS", "TIMEOUT"} <= {p["name"] for p in test.get("properties", [])}]
if missing:
    sys.exit("tests without LABELS or TIMEOUT:\n  " + "\n  ".join(missing))
print(f"all {len(tests)} tests have labels and a timeout")
