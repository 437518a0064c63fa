#!/usr/bin/env python3
"""The benchmark chapter's tests (label `bench`).

  bench_test.py smoke     BENCH RENDERER WORKDIR   every benchmark once, tiny sizes: no error, all present
  bench_test.py dead-peer BENCH RENDERER WORKDIR   a peer that dies fails its benchmark, exit 1, no hang;
                                                   the spawn benchmarks (no peer) still pass
  bench_test.py render    FIXTURE RENDERER WORKDIR a fixture's tables with exact ratios, and the plot;
                                                   without spawn or handoff results, the page's pieces say so

After a run, nothing its processes created may be left: no segment or named
semaphore in /dev/shm, no temporary folder in /tmp.

Exit 0 when everything held; otherwise one line per problem and exit 1.
"""
import json
import math
import os
import pathlib
import re
import subprocess
import sys

mode, subject, renderer, workdir = sys.argv[1], sys.argv[2], sys.argv[3], pathlib.Path(sys.argv[4])
workdir.mkdir(parents=True, exist_ok=True)
problems = []

SLOTS = [f"latency/{t}" for t in ("condition", "semaphore", "spin")]
HANDOFFS = [f"handoff/{lock}" for lock in ("mutex", "named_mutex", "sharable_mutex", "file_lock")]
STREAMS = ("ring", "pipe", "socket", "message_queue", "posix_mq")
TWO_PROCESS = [f"throughput/{t}/{s}" for t in STREAMS for s in (64, 262144)] + \
              [f"latency/{t}" for t in STREAMS] + SLOTS + HANDOFFS
ONE_PROCESS = [f"throughput/memcpy/{s}" for s in (64, 262144)] + \
              [f"alloc/{a}" for a in ("malloc", "rbtree_best_fit", "simple_seq_fit", "allocator", "node_allocator",
                                      "private_node_allocator", "cached_node_allocator", "adaptive_pool",
                                      "private_adaptive_pool", "cached_adaptive_pool")] + \
              [f"container/{op}_{where}" for op in ("vector_push_back", "map_insert", "map_find")
               for where in ("heap", "segment")] + \
              [f"durable/{d}/4096" for d in ("write_fsync", "mapped_file_flush", "region_flush_sync")]
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
            runs[re.sub(r"(/min_time:[\d.]+)?/(real|manual)_time$", "", run["run_name"])] = run
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
        elif name.startswith(("alloc", "container")) and not run.get("items_per_second", 0) > 0:
            problems.append(f"{name}: no items_per_second")
        elif name.startswith(("throughput", "durable")) and not run.get("bytes_per_second", 0) > 0:
            problems.append(f"{name}: no bytes_per_second")
        elif name.startswith(("latency", "handoff", "durable")) and not (
                math.isfinite(run.get("real_time", math.nan)) and run["real_time"] > 0 and run.get("time_unit")):
            problems.append(f"{name}: no positive real_time with its unit: {run}")
        elif name.startswith("handoff") and not (
                math.isfinite(run.get("median_ns", math.nan)) and run["median_ns"] > 0):
            problems.append(f"{name}: no positive median_ns: {run}")
    if runs:
        table = render(workdir / "results.json")
        for row in ("| 64 B | shared-memory ring |", "| 256 KiB | Unix-domain socket |", "| pipe |",
                    "| segment slot, mutex + condition |", "| segment slot, two semaphores |",
                    "| segment slot, atomic flag (spin, then yield) |",
                    "| `interprocess_mutex` in the segment |", "| `named_mutex` (a POSIX semaphore) |",
                    "| `interprocess_sharable_mutex`, exclusive |", "| `file_lock` (fcntl on a file) |",
                    "| `cached_adaptive_pool::allocate_one()` |", "| `map<int, int>::find` in 1000 keys |",
                    "| `/bin/true` |", "| 256 KiB | Boost `message_queue` (8 KiB messages) |",
                    "| 64 B | POSIX message queue (8 KiB messages) |", "| POSIX message queue (8 KiB messages) |",
                    "| 4 KiB | `pwrite()` + `fsync()` |",
                    "| 4 KiB | `managed_mapped_file`: write in place + `flush()` (msync MS_ASYNC) |", "| chapter 01's child (`ipclab-ch01 child SEGMENT HANDLE`) |"):
            if row not in table:
                problems.append(f"the table of the smoke run has no row '{row}'")
            elif f"{row} failed" in table or f"{row} not run" in table:
                problems.append(f"the table of the smoke run shows row '{row}' without a figure")

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
        for row in ("| 64 B | pipe | failed: ", "| segment slot, atomic flag (spin, then yield) | failed: ",
                    "| `named_mutex` (a POSIX semaphore) | failed: ", "| `file_lock` (fcntl on a file) | failed: "):
            if row not in table:
                problems.append(f"the table does not show the failure: '{row}'")

elif mode == "render":
    table = render(pathlib.Path(subject))
    # The fixture's figures are chosen so that every ratio is exact.
    for line in [
        "| message | transport | GB/s | against memcpy | against the pipe |",
        "| 64 B | memcpy (one process) | 10 |  |  |",
        "| 64 B | shared-memory ring | 0.4 | 25× slower | 4× faster |",
        "| 64 B | pipe | 0.1 | 100× slower |  |",
        "| 64 B | Unix-domain socket | 0.05 | 200× slower | 2× slower |",
        "| 16 MiB | memcpy (one process) | 8 |  |  |",
        "| 16 MiB | shared-memory ring | 4 | 2× slower | 2.5× faster |",
        "| 16 MiB | pipe | 1.6 | 5× slower |  |",
        "| 16 MiB | Unix-domain socket | 2 | 4× slower | 1.25× faster |",
        "- At 16 MiB a message, the ring moves 4 GB/s: 2× slower than memcpy within one process (8 GB/s), "
        "and 2.5× faster than the pipe (1.6 GB/s); the socket moves 2 GB/s, 1.25× faster than the pipe.",
        "| transport | round trip, µs | against the pipe |",
        "| shared-memory ring | 2 | 2.5× faster |",
        "| pipe | 5 |  |",
        "| Unix-domain socket | 7.5 | 1.5× slower |",
        "| segment slot, mutex + condition | 6 | 1.2× slower |",
        "| segment slot, two semaphores | 4 | 1.25× faster |",
        "| segment slot, atomic flag (spin, then yield) | 0.25 | 20× faster |",
        "- Through one slot of a segment, a round trip takes 6 µs when the reader sleeps on a condition "
        "(1.2× slower than the pipe), 4 µs on a semaphore (1.25× faster), and 0.25 µs when it spins on an "
        "atomic flag: 20× faster than the pipe, because neither process enters the kernel.",
        "| lock | one handoff, median, µs | mean, µs | against interprocess_mutex (medians) |",
        "| `interprocess_mutex` in the segment | 4 | 6 |  |",
        "| `named_mutex` (a POSIX semaphore) | 5 | 5 | 1.25× slower |",
        "| `interprocess_sharable_mutex`, exclusive | 8 | 8 | 2× slower |",
        "| `file_lock` (fcntl on a file) | 10 | 10 | 2.5× slower |",
        "| allocator | allocate + deallocate, ns | against malloc |",
        "| `malloc` + `free` (the process heap) | 20 |  |",
        "| segment `allocate` (rbtree_best_fit) | 100 | 5× slower |",
        "| segment `allocate` (simple_seq_fit) | 50 | 2.5× slower |",
        "| `allocator::allocate(1)` | 80 | 4× slower |",
        "| `node_allocator::allocate_one()` | 30 | 1.5× slower |",
        "| `private_node_allocator::allocate_one()` | 25 | 1.25× slower |",
        "| `cached_node_allocator::allocate_one()` | 32 | 1.6× slower |",
        "| `adaptive_pool::allocate_one()` | 40 | 2× slower |",
        "| `private_adaptive_pool::allocate_one()` | 35 | 1.75× slower |",
        "| `cached_adaptive_pool::allocate_one()` | 45 | 2.25× slower |",
        "- Of the pools, private_node_allocator is the fastest: 4× faster than the segment's general algorithm "
        "(100 ns), and 1.25× slower than malloc.",
        "| operation, one of 1000 | `std::allocator`, ns | in a segment, ns | in a segment against the heap |",
        "| `vector<int>::push_back`, from empty | 2 | 5 | 2.5× slower |",
        "| `map<int, int>::emplace`, from empty | 80 | 1600 | 20× slower |",
        "| `map<int, int>::find` in 1000 keys | 20 | 120 | 6× slower |",
        "- `map<int, int>::emplace`, from empty: 80 ns with `std::allocator`, 1600 ns with the segment's "
        "allocator (20× slower).",
        "| `/bin/true` | 0.8 |  |",
        "| chapter 01's child (`ipclab-ch01 child SEGMENT HANDLE`) | 2 | 2.5× slower |",
        "- Starting a chapter child on a segment and waiting for it takes 2 ms, 2.5× slower than `/bin/true` "
        "(0.8 ms); a test that spawns K children pays at least K × 2 ms.",
        "| 64 B | Boost `message_queue` (8 KiB messages) | 0.05 | 200× slower | 2× slower |",
        "| 16 MiB | POSIX message queue (8 KiB messages) | 3.2 | 2.5× slower | 2× faster |",
        "- At 16 MiB a message, Boost's `message_queue` moves 0.8 GB/s (2× slower than the pipe) and a POSIX queue "
        "3.2 GB/s (2× faster).",
        "| Boost `message_queue` (8 KiB messages) | 10 | 2× slower |",
        "| POSIX message queue (8 KiB messages) | 4 | 1.25× faster |",
        "- Through message queues, a round trip takes 10 µs with Boost's `message_queue` (2× slower than the pipe) "
        "and 4 µs with a POSIX queue (1.25× faster)",
        "| bytes | how | one write and flush, µs | against write + fsync |",
        "| 4 KiB | `pwrite()` + `fsync()` | 2000 |  |",
        "| 4 KiB | `managed_mapped_file`: write in place + `flush()` (msync MS_ASYNC) | 20 | 100× faster |",
        "| 4 KiB | `mapped_region`: write in place + `flush(0, 0, false)` (msync MS_SYNC) | 2500 | 1.25× slower |",
        "- Rewriting 4 KiB: `write` + `fsync` takes 2000 µs; a managed_mapped_file's `flush()` returns after 20 µs "
        "(100× faster), because it only schedules the write-back",
        "the synchronous `flush(0, 0, false)` of a mapped_region, which waits like fsync, takes 2500 µs (1.25× slower).",
        "Measured 2024-01-02T03:04:05+00:00 on 2 CPUs at 2600 MHz, load average 0.50, 0.25, 0.10.",
        "Warning: the repetitions of 1 benchmark(s) differ by more than 10%",
    ]:
        if line not in table:
            problems.append(f"the table has no line: {line}")
    for unwanted in ["busy", "DEBUG", "MB/s", "GiB", "0.04×"]:
        if unwanted in table:
            problems.append(f"the table of a quiet run, a release library, says '{unwanted}'")
    if "4 KiB" not in table or "256 KiB" not in table:
        problems.append("the table lacks the 4 KiB or 256 KiB rows")
    # The pieces the chapter page includes, each one a part of the whole.
    for piece, line in [("measured", "Measured 2024-01-02T03:04:05+00:00"),
                        ("throughput", "| 16 MiB | shared-memory ring | 4 | 2× slower | 2.5× faster |"),
                        ("throughput-words", "- At 64 B a message, the ring moves 0.4 GB/s: 25× slower"),
                        ("latency", "| shared-memory ring | 2 | 2.5× faster |"),
                        ("latency-words", "the ring is 2.5× faster than the pipe, the socket 1.5× slower."),
                        ("latency-words", "0.25 µs when it spins on an atomic flag: 20× faster than the pipe"),
                        ("handoff", "| `file_lock` (fcntl on a file) | 10 | 10 | 2.5× slower |"),
                        ("handoff-words", "4 µs for an `interprocess_mutex`, 5 µs for a `named_mutex` (1.25× slower)"),
                        ("alloc", "| `node_allocator::allocate_one()` | 30 | 1.5× slower |"),
                        ("alloc-words", "- malloc and free take 20 ns a block"),
                        ("container", "| `map<int, int>::find` in 1000 keys | 20 | 120 | 6× slower |"),
                        ("container-words", "- `vector<int>::push_back`, from empty: 2 ns with `std::allocator`"),
                        ("durable", "| 4 KiB | `pwrite()` + `fsync()` | 2000 |  |"),
                        ("durable-words", "- Rewriting 4 KiB: `write` + `fsync` takes 2000 µs"),
                        ("spawn", "| `/bin/true` | 0.8 |  |"),
                        ("spawn-words", "takes 2 ms, 2.5× slower than `/bin/true` (0.8 ms)")]:
        path = workdir / "fragments" / f"ch08-{piece}.md"
        text = path.read_text() if path.exists() else ""
        if line not in text or text.strip() not in table:
            problems.append(f"{path} does not hold '{line}', or is not a part of the whole table")
    # A busy machine, and Debian's library built as DEBUG: each said in one sentence.
    fixture = json.loads(pathlib.Path(subject).read_text())
    fixture["context"]["load_avg"] = [3.5, 2.5, 1.0]
    fixture["context"]["library_build_type"] = "debug"
    for run in fixture["benchmarks"]:  # on a busy machine, spinning can lose to sleeping
        if run["name"] == "latency/spin/real_time":
            run["real_time"], run["cpu_time"] = 50000.0, 25000.0
    busy = workdir / "busy.json"
    busy.write_text(json.dumps(fixture))
    table = render(busy)
    for line in ["Warning: the machine was busy (load average 3.50 on 2 CPUs)",
                 "Debian's Google Benchmark library says it was built as DEBUG: that concerns the library's own "
                 "bookkeeping, not the code it measures",
                 "and 50 µs when it spins on an atomic flag: 10× slower than the pipe, because the spinning process "
                 "held a core that the process it waited for needed",
                 "woken straight onto one: the measuring process was on a CPU 50% of the time, where a spinner with "
                 "a core of its own is on it all the time."]:
        if line not in table:
            problems.append(f"the table of a busy run does not say: {line}")
    # A results file from before the spawn, slot and handoff benchmarks: no spawn or handoff table on the
    # terminal, no slot rows, and the page's pieces still exist (it includes them), saying that nothing
    # was measured.
    fixture = json.loads(pathlib.Path(subject).read_text())
    fixture["benchmarks"] = [run for run in fixture["benchmarks"]
                             if not run["name"].startswith(("spawn/", "handoff/", "latency/condition",
                                                            "latency/semaphore", "latency/spin"))]
    older = workdir / "without-spawn.json"
    older.write_text(json.dumps(fixture))
    table = render(older)
    if "Starting a process" in table or "/bin/true" in table:
        problems.append("without spawn results, the table still shows a spawn section")
    if "Handing a contended lock" in table or "segment slot" in table or "one slot of a segment" in table:
        problems.append("without slot and handoff results, the table still shows them")
    if "the ring is 2.5× faster than the pipe" not in table:
        problems.append("without slot results, the ring's round-trip sentence is gone")
    for piece, wanted in [("spawn", "Not measured in this results file"), ("spawn-words", ""),
                          ("handoff", "Not measured in this results file"), ("handoff-words", "")]:
        path = workdir / "fragments" / f"ch08-{piece}.md"
        text = path.read_text().strip() if path.exists() else None
        if text is None or (wanted not in text if wanted else text):
            problems.append(f"without spawn results, {path} holds {text!r}, not {wanted!r}")

else:
    sys.exit(f"bench_test.py: unknown mode {mode}")

if mode != "render":
    # Every process of the run has ended by now: nothing of theirs may stay, neither a segment nor a
    # named mutex (sem.NAME) in /dev/shm, nor a file lock's folder in the temporary folder.
    for folder, prefixes in (("/dev/shm", ("ipclab-bench-", "sem.ipclab-bench-")), ("/tmp", ("ipclab-bench-",))):
        for entry in os.listdir(folder):
            if not entry.startswith(prefixes):
                continue
            # Only entries whose creator is gone count; another test may be running.
            pid = entry.split("-")[2]
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                problems.append(f"{folder}/{entry} was left behind")

for problem in problems:
    print(problem)
print(f"bench_test.py {mode}: {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
