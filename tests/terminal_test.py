#!/usr/bin/env python3
"""What a person sees in a terminal: the launcher and the chapters run in a
pseudo-terminal, as from a shell.

  terminal_test.py SOURCE_DIR BUILD_DIR

- a build's progress is one line that updates in place (scripts/build-progress);
- a launcher waits for another one's build instead of failing;
- `ipclab run 01` narrates in colour, each line at most 100 columns, the
  child's output in place between its steps and not printed twice; with
  NO_COLOR, without colour; no line of the whole tour is wider.
"""
import os
import pathlib
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

source, build = map(pathlib.Path, sys.argv[1:3])
failures = []
ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def expect(label, holds, detail=""):
    if not holds:
        failures.append(f"{label}: {detail}")


def in_terminal(command, env=None, timeout=120):
    """Runs `command` (argv) with stdin, stdout and stderr on a new
    pseudo-terminal; returns its exit code and all it wrote there."""
    master, slave = pty.openpty()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                               env={**os.environ, **(env or {})}, start_new_session=True)
    os.close(slave)
    output, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: no process holds the terminal any more
                chunk = b""
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    try:
        code = process.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
        failures.append(f"{command}: still running after {timeout} s; it showed: {output!r}")
    os.close(master)
    return code, output.decode(errors="replace").replace("\r\n", "\n")


# 1. The build's progress: one line, rewritten in place, and every line in the log.
with tempfile.TemporaryDirectory(prefix="ipclab-terminal-") as work:
    log = pathlib.Path(work) / "build.log"
    lines = "[1/3] Building CXX object a.o\\n[2/3] Building CXX object chapters/b.o\\nwarning: x\\n[3/3] Linking bin/c\\n"
    code, shown = in_terminal(["bash", "-c", f"printf '{lines}' | {source}/scripts/build-progress {log}"])
    expect("progress", code == 0, f"exit {code}")
    for n in (1, 2, 3):
        expect("progress", f"\r\x1b[Kipclab: building [{n}/3], about " in shown, f"no [{n}/3] line in {shown!r}")
    expect("progress", "\n" not in shown.replace("\r\n", ""), f"the progress took more than one line: {shown!r}")
    expect("progress", "warning" not in shown, "a plain line was shown, not only logged")
    expect("progress", log.read_text().splitlines() == lines.replace("\\n", "\n").splitlines(),
           f"the log holds {log.read_text()!r}")

# 2. A launcher waits for another's build: here another holds the build lock for a second.
lock = build / ".build.lock"
holder = subprocess.Popen(["flock", str(lock), "sleep", "1"])
time.sleep(0.2)
started = time.monotonic()
code, shown = in_terminal([str(source / "ipclab"), "list"], env={"IPCLAB_PRESET": build.name})
holder.wait()
expect("lock", code == 0, f"exit {code}: {shown!r}")
expect("lock", f"ipclab: waiting for another ipclab build of build/{build.name} to finish..." in shown, shown)
expect("lock", "A pool of raw memory" in shown, "the list did not follow the wait")
expect("lock", time.monotonic() - started >= 0.7, "it did not wait")

# 3. A chapter narrated in colour, at most 100 columns, the child's output in place.
program = build / "bin" / "ipclab"
code, shown = in_terminal([str(program), "run", "01"])
expect("colour", code == 0, f"exit {code}: {shown}")
expect("colour", "\x1b[1;36m[parent " in shown and "\x1b[1;35m[child " in shown, f"no colours: {shown!r}")
plain = ESCAPE.sub("", shown)
too_wide = [line for line in plain.splitlines() if len(line) > 100]
expect("width", not too_wide, f"lines wider than 100 columns: {too_wide}")
narration = [line for line in plain.splitlines() if line.startswith("[")]
said = [i for i, line in enumerate(narration) if " stdout] Hello from the parent process" in line]
child_steps = [i for i, line in enumerate(narration) if re.match(r"\[child \d+ step \d+\]", line)]
expect("in place", len(said) == 1 and len(child_steps) == 2 and child_steps[0] < said[0] < child_steps[1],
       f"the child's output is not between its steps: {narration}")
expect("in place", plain.count("Hello from the parent process") == 1, f"the output shows twice:\n{plain}")
expect("aliases", re.search(r"ipclab-ch01-\d+-\d+-[0-9a-f]{8} \(#1\)", plain) and "child #1 " in plain,
       f"the segment's name is not shown once, then as #1:\n{plain}")

# The whole tour: every line it shows fits in 100 columns. It runs every
# chapter, a few seconds in the default build and about a minute under the
# sanitizers, more when other tests share the cores.
code, shown = in_terminal([str(program), "tour"], timeout=400)
too_wide = [line for line in ESCAPE.sub("", shown).splitlines() if len(line) > 100]
expect("tour", code == 0 and "chapters passed" in shown, f"exit {code}")
expect("tour width", not too_wide, f"{len(too_wide)} lines wider than 100 columns: {too_wide[:3]}")

code, shown = in_terminal([str(program), "run", "01"], env={"NO_COLOR": "1"})
expect("NO_COLOR", code == 0 and "\x1b[" not in shown, f"colours with NO_COLOR: {shown!r}")

for failure in failures:
    print("FAIL", failure)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
