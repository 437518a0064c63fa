#!/usr/bin/env python3
"""The benchmark chapter's tests (label `bench`).

  bench_test.py smoke     BENCH RENDERER WORKDIR   every benchmark once, tiny sizes: no error, all present
  bench_test.py dead-peer BENCH RENDERER WORKDIR   a peer that dies fails its benchmark, exit 1, no hang;
                                                   the spawn benchmarks (no peer) still pass
  bench_test.py render    FIXTURE RENDERER WORKDIR a fixture's tables with exact ratios, and the plot;
                                                   without spawn results, the page's spawn pieces say so

Exit 0 when everything held; otherwise one line per problem and exit 1.
"""
import json
import os
import pathlib
import subprocess
import sys

mode, subject, renderer, workdir = sys.argv[1], sys.argv[2], sys.argv[3], pathlib.Path(sys.argv[4])
workdir.mkdir(parents=True, exist_ok=True)
problems = []

TWO_PROCESS = [f"throughput/{t}/{s}" for t in ("ring", "pipe", "socket") for s in (64, 262144)] + \
              [f"latency/{t}" for t in ("ring", "pipe", "socket")]
ONE_PROCESS = [f"throughput/memcpy/{s}" for s in (64, 262144)] + \
              [f"alloc/{a}" for a in ("malloc", "rbtree_best_fit", "simple_seq_fit", "node_allocator", "adaptive_pool")]
# Two processes, but no peer: ipclab-bench spawns /bin/true, or chapter 01's child on a segment of its own.
SPAWNS = ["spawn/true", "spawn/chapter"]


def run_bench(environment=None):
    """Runs the smoke configuration; returns (exit code, stderr, {name: run})."""
    out = workdir / "results.json"
    out.unlink(missing_ok=True)
    result = subprocess.run(
        [subject, "--smoke", "--benchmark_min_time=0.001", f"--benchmark_out={out}",
         "--benchmark_out_format=json"],
        capture_output=True, text=True, timeout=100, env={**os.environ, **(environment or {})})
    runs = {}
    if out.exists():
        for run in json.loads(out.read_text())["benchmarks"]:
            runs[run["run_name"].removesuffix("/real_time")] = run
    else:
        problems.append(f"no {out} after the run (exit {result.returncode}): {result.stderr.strip()}")
    return result.returncode, result.stdout + result.stderr, runs


def render(results, expect_plot=True):
    table = workdir / "results.md"
    plot = workdir / "throughput.png"
    for stale in (table, plot):
        stale.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, renderer, str(results), "--markdown", str(table), "--plot", str(plot),
                             "--fragments", str(workdir / "fragments")],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        problems.append(f"the renderer exited {result.returncode}: {result.stderr.strip()}")
        return ""
    if not table.exists() or table.read_text() != result.stdout:
        problems.append("the markdown file differs from what the renderer printed")
    if expect_plot and (not plot.exists() or plot.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n"):
        problems.append(f"no PNG plot at {plot}")
    return result.stdout


if mode == "smoke":
    code, output, runs = run_bench()
    if code != 0:
        problems.append(f"ipclab-bench --smoke exited {code}:\n{output}")
    for name in TWO_PROCESS + ONE_PROCESS + SPAWNS:
        run = runs.get(name)
        if run is None:
            problems.append(f"{name}: did not run")
        elif run.get("error_occurred"):
            problems.append(f"{name}: failed: {run.get('error_message')}")
        elif run["iterations"] < 1:
            problems.append(f"{name}: no iterations")
        elif name.startswith("throughput") and not run.get("bytes_per_second", 0) > 0:
            problems.append(f"{name}: no bytes_per_second")
        elif name.startswith("alloc") and not run.get("items_per_second", 0) > 0:
            problems.append(f"{name}: no items_per_second")
    if runs:
        table = render(workdir / "results.json")
        for row in ("| 64 B | shared-memory ring |", "| 256 KiB | Unix-domain socket |", "| pipe |",
                    "| adaptive_pool |", "| `/bin/true` |", "| chapter 01's child (`ipclab-ch01 child SEGMENT HANDLE`) |"):
            if row not in table:
                problems.append(f"the table of the smoke run has no row '{row}'")

elif mode == "dead-peer":
    # IPCLAB_BENCH_FAULT=die: every peer kills itself (SIGKILL) after its first message.
    code, output, runs = run_bench({"IPCLAB_BENCH_FAULT": "die"})
    if code != 1:
        problems.append(f"ipclab-bench exited {code}, not 1, with dying peers:\n{output}")
    if f"{len(TWO_PROCESS)} benchmark(s) failed" not in output:
        problems.append(f"ipclab-bench did not say that {len(TWO_PROCESS)} benchmarks failed:\n{output}")
    for name in TWO_PROCESS:
        if name in runs and not runs[name].get("error_occurred"):
            problems.append(f"{name}: its peer died, yet it did not fail")
        elif name in runs and "the peer was killed by SIGKILL" not in runs[name].get("error_message", ""):
            problems.append(f"{name}: its error does not say how the peer ended: {runs[name].get('error_message')}")
    for name in ONE_PROCESS:
        if name in runs and runs[name].get("error_occurred"):
            problems.append(f"{name}: failed without a peer: {runs[name].get('error_message')}")
    # IPCLAB_BENCH_FAULT reaches only ipclab-bench's peer role: /bin/true and chapter 01's child ignore it.
    for name in SPAWNS:
        if name not in runs:
            problems.append(f"{name}: did not run")
        elif runs[name].get("error_occurred"):
            problems.append(f"{name}: failed, yet it has no peer to die: {runs[name].get('error_message')}")
    if runs:
        table = render(workdir / "results.json")
        if "| 64 B | pipe | failed: " not in table:
            problems.append("the table does not show the pipe's failure")

elif mode == "render":
    table = render(pathlib.Path(subject))
    # The fixture's figures are chosen so that every ratio is exact.
    for line in [
        "| 64 B | memcpy (one process) | 10.00 GB/s | 1× |  |",
        "| 64 B | shared-memory ring | 400.00 MB/s | 0.04× | 4× |",
        "| 64 B | pipe | 100.00 MB/s | 0.01× | 1× |",
        "| 64 B | Unix-domain socket | 50.00 MB/s | 0.005× | 0.5× |",
        "| 16 MiB | memcpy (one process) | 8.00 GB/s | 1× |  |",
        "| 16 MiB | shared-memory ring | 4.00 GB/s | 0.5× | 2.5× |",
        "| 16 MiB | pipe | 1.60 GB/s | 0.2× | 1× |",
        "| 16 MiB | Unix-domain socket | 2.00 GB/s | 0.25× | 1.25× |",
        "- At 16 MiB a message, the ring moves 4.00 GB/s: 0.5× what memcpy does in one process (8.00 GB/s), "
        "and 2.5× the pipe (1.60 GB/s); the socket moves 2.00 GB/s, 1.25× the pipe.",
        "| shared-memory ring | 2.00 µs | 0.4× |",
        "| pipe | 5.00 µs | 1× |",
        "| Unix-domain socket | 7.50 µs | 1.5× |",
        "| malloc | 20.0 ns | 1× |",
        "| rbtree_best_fit | 100.0 ns | 5× |",
        "| simple_seq_fit | 50.0 ns | 2.5× |",
        "| node_allocator | 30.0 ns | 1.5× |",
        "| adaptive_pool | 40.0 ns | 2× |",
        "| `/bin/true` | 0.80 ms | 1× |",
        "| chapter 01's child (`ipclab-ch01 child SEGMENT HANDLE`) | 2.00 ms | 2.5× |",
        "- Starting a chapter child on a segment and waiting for it takes 2.00 ms, 2.5× what `/bin/true` takes "
        "(0.80 ms); a test that spawns K children pays at least K × 2.00 ms.",
        "Measured 2024-01-02T03:04:05+00:00 on 2 CPUs at 2600 MHz, load average 0.50, 0.25, 0.10.",
    ]:
        if line not in table:
            problems.append(f"the table has no line: {line}")
    if "4 KiB" not in table or "256 KiB" not in table:
        problems.append("the table lacks the 4 KiB or 256 KiB rows")
    # The pieces the chapter page includes, each one a part of the whole.
    for piece, line in [("measured", "Measured 2024-01-02T03:04:05+00:00"),
                        ("throughput", "| 16 MiB | shared-memory ring | 4.00 GB/s | 0.5× | 2.5× |"),
                        ("throughput-words", "- At 64 B a message, the ring moves 400.00 MB/s: 0.04×"),
                        ("latency", "| shared-memory ring | 2.00 µs | 0.4× |"),
                        ("latency-words", "the ring's is 0.4× the pipe's, the socket's 1.5×."),
                        ("alloc", "| node_allocator | 30.0 ns | 1.5× |"),
                        ("alloc-words", "- malloc and free take 20.0 ns a block"),
                        ("spawn", "| `/bin/true` | 0.80 ms | 1× |"),
                        ("spawn-words", "takes 2.00 ms, 2.5× what `/bin/true` takes (0.80 ms)")]:
        path = workdir / "fragments" / f"ch08-{piece}.md"
        text = path.read_text() if path.exists() else ""
        if line not in text or text.strip() not in table:
            problems.append(f"{path} does not hold '{line}', or is not a part of the whole table")
    # A results file from before the spawn benchmarks: no spawn table on the terminal, and the page's
    # spawn pieces still exist (it includes them), saying that nothing was measured.
    fixture = json.loads(pathlib.Path(subject).read_text())
    fixture["benchmarks"] = [run for run in fixture["benchmarks"] if not run["name"].startswith("spawn/")]
    older = workdir / "without-spawn.json"
    older.write_text(json.dumps(fixture))
    table = render(older)
    if "Starting a process" in table or "/bin/true" in table:
        problems.append("without spawn results, the table still shows a spawn section")
    for piece, wanted in [("spawn", "Not measured in this results file"), ("spawn-words", "")]:
        path = workdir / "fragments" / f"ch08-{piece}.md"
        text = path.read_text().strip() if path.exists() else None
        if text is None or (wanted not in text if wanted else text):
            problems.append(f"without spawn results, {path} holds {text!r}, not {wanted!r}")

else:
    sys.exit(f"bench_test.py: unknown mode {mode}")

if mode != "render":
    # Every peer has ended by now: nothing of theirs may stay in /dev/shm.
    stale = [entry for entry in os.listdir("/dev/shm") if entry.startswith("ipclab-bench-")]
    # Only entries whose creator is gone count; another test may be running.
    for entry in stale:
        pid = entry.split("-")[2]
        if not os.path.exists(f"/proc/{pid}"):
            problems.append(f"/dev/shm/{entry} was left behind")

for problem in problems:
    print(problem)
print(f"bench_test.py {mode}: {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
