#!/usr/bin/env python3
"""Renders ipclab-bench's results (Google Benchmark JSON) as tables and a plot.

  render_results.py RESULTS.json [--markdown FILE] [--fragments DIR] [--plot FILE.png] [--quiet]

Prints the tables on stdout (unless --quiet): throughput of each transport at
each message size with its ratio to memcpy and to the pipe, the round-trip
latency of each transport (the byte streams, and one slot of a segment woken
by a condition, a semaphore or a spinning reader) with its ratio to the pipe,
the time one handoff of a contended lock between two processes takes with
each kind of lock, with its ratio to interprocess_mutex's, the cost of an
allocation and deallocation with each allocator and pool with its ratio to
malloc, container operations with the segment's allocator against
std::allocator, the
time to rewrite part of a file and flush it three ways, with its ratio to
write + fsync, and
the wall time of one spawn (start a process, wait for it to exit) of chapter
01's child with its ratio to /bin/true's, each table followed by the same
figures in words. --markdown writes the same text to FILE; --fragments writes
each table and its sentences to a file of its own in DIR (ch08-throughput.md,
ch08-throughput-words.md, ...: the chapter page includes them one by one),
every piece the page includes, those without results too (a table then says
it was not measured, its sentences are empty), so that the page never shows
a stale or missing file; --plot draws throughput against message size,
log-log, one line per transport, with gnuplot.

Used by `ipclab bench` and by the docs build; one place, so that the terminal
and the page always agree. Repeated runs of one benchmark
(--benchmark_repetitions) count by their median.
"""
import argparse
import json
import pathlib
import re
import shutil
import statistics
import subprocess
import sys

TRANSPORTS = ["ring", "pipe", "socket", "message_queue", "posix_mq"]
TRANSPORT_NAMES = {
    "memcpy": "memcpy (one process)",
    "ring": "shared-memory ring",
    "pipe": "pipe",
    "socket": "Unix-domain socket",
    "message_queue": "Boost `message_queue` (8 KiB messages)",
    "posix_mq": "POSIX message queue (8 KiB messages)",
    "condition": "segment slot, mutex + condition",
    "semaphore": "segment slot, two semaphores",
    "spin": "segment slot, atomic flag (spin, then yield)",
}
SLOTS = ["condition", "semaphore", "spin"]
LOCKS = ["mutex", "named_mutex", "sharable_mutex", "file_lock"]
LOCK_NAMES = {
    "mutex": "`interprocess_mutex` in the segment",
    "named_mutex": "`named_mutex` (a POSIX semaphore)",
    "sharable_mutex": "`interprocess_sharable_mutex`, exclusive",
    "file_lock": "`file_lock` (fcntl on a file)",
}
ALLOCATORS = ["malloc", "rbtree_best_fit", "simple_seq_fit", "allocator", "node_allocator", "private_node_allocator",
              "cached_node_allocator", "adaptive_pool", "private_adaptive_pool", "cached_adaptive_pool"]
ALLOCATOR_NAMES = {
    "malloc": "`malloc` + `free` (the process heap)",
    "rbtree_best_fit": "segment `allocate` (rbtree_best_fit)",
    "simple_seq_fit": "segment `allocate` (simple_seq_fit)",
    "allocator": "`allocator::allocate(1)`",
}
POOLS = ["node_allocator", "private_node_allocator", "cached_node_allocator",
         "adaptive_pool", "private_adaptive_pool", "cached_adaptive_pool"]
ALLOCATOR_NAMES.update({name: f"`{name}::allocate_one()`" for name in POOLS})
CONTAINER_OPERATIONS = ["vector_push_back", "map_insert", "map_find"]
CONTAINER_OPERATION_NAMES = {
    "vector_push_back": "`vector<int>::push_back`, from empty",
    "map_insert": "`map<int, int>::emplace`, from empty",
    "map_find": "`map<int, int>::find` in 1000 keys",
}
DURABLE = ["write_fsync", "mapped_file_flush", "region_flush_sync"]
DURABLE_NAMES = {
    "write_fsync": "`pwrite()` + `fsync()`",
    "mapped_file_flush": "`managed_mapped_file`: write in place + `flush()` (msync MS_ASYNC)",
    "region_flush_sync": "`mapped_region`: write in place + `flush(0, 0, false)` (msync MS_SYNC)",
}
SPAWNED = ["true", "chapter"]
SPAWNED_NAMES = {"true": "`/bin/true`", "chapter": "chapter 01's child (`ipclab-ch01 child SEGMENT HANDLE`)"}
# Google Benchmark appends what a benchmark sets apart from the defaults: a minimum time, a kind of time.
NAME = re.compile(r"^(throughput|latency|handoff|alloc|container|durable|spawn)/(\w+)(?:/(\d+))?(?:/min_time:[\d.]+)?"
                  r"(?:/(?:real|manual)_time)?$")
NS_PER_UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# Figures read from a benchmark beside its main one: not benchmarks of their own.
DERIVED = {"handoff_mean", "latency_on_cpu"}


def size_text(size):
    for unit, factor in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} B"


# One unit a kind of figure, stated in each table's header and used in its sentences.
def gbs(bytes_per_second):
    """Throughput in GB/s (10^9 bytes a second), 3 significant digits."""
    return f"{bytes_per_second / 1e9:.3g}"


def rate_text(bytes_per_second):
    return f"{gbs(bytes_per_second)} GB/s"


def us(ns):
    return f"{ns / 1000:.3g}"


def us_plain(ns):
    """Microseconds, 3 significant digits, never in exponent notation (2000, not 2e+03)."""
    micro = ns / 1000
    return f"{micro:.3g}" if micro < 1000 else f"{micro:.0f}"


def ns_text(ns):
    """Nanoseconds, 3 significant digits, never in exponent notation (1630, not 1.63e+03)."""
    return f"{ns:.3g}" if ns < 1000 else f"{ns:.0f}"


def ms(ns):
    return f"{ns / 1e6:.3g}"


def speed_text(mine, reference, higher_is_faster):
    """How `mine` compares with `reference`, as "2.5× faster", "4× slower" or
    "the same" (within 1%): for a throughput higher is faster, for a time lower."""
    if mine is None or not reference:
        return "n/a"
    factor = mine / reference if higher_is_faster else reference / mine
    if abs(factor - 1) < 0.01:
        return "the same"
    return f"{factor:.3g}× faster" if factor > 1 else f"{1 / factor:.3g}× slower"


def load(path):
    """{(kind, name, size): {"value": ..., "error": ...}} from the JSON, medians over repetitions."""
    document = json.loads(pathlib.Path(path).read_text())
    samples, errors = {}, {}
    for run in document.get("benchmarks", []):
        match = NAME.match(run.get("run_name", run["name"]))
        if not match:
            continue
        kind, name, size = match.group(1), match.group(2), int(match.group(3) or 0)
        key = (kind, name, size)
        if run.get("error_occurred"):
            errors[key] = run.get("error_message", "failed")
            continue
        if run.get("run_type", "iteration") == "aggregate" and run.get("aggregate_name") != "median":
            continue
        if kind == "throughput":
            value = run["bytes_per_second"]
        elif kind == "handoff":  # ns for one handoff: the run's median, and its mean under a kind of its own
            value = run["real_time"] * NS_PER_UNIT[run.get("time_unit", "ns")]
            samples.setdefault(("handoff_mean", name, size), []).append(value)
            value = run.get("median_ns", value)
        elif kind in ("latency", "spawn", "durable"):  # ns for a round trip, a spawn, a durable write
            value = run["real_time"] * NS_PER_UNIT[run.get("time_unit", "ns")]
            if kind == "latency" and run["real_time"] > 0 and "cpu_time" in run:
                # The share of the wall time the measuring process was on a CPU: a spinner alone on its
                # core is on it all the time; one that shares a core with its peer, about half of it.
                samples.setdefault(("latency_on_cpu", name, size), []).append(run["cpu_time"] / run["real_time"])
        else:  # ns for one item: an allocate and a deallocate, a container operation
            value = 1e9 / run["items_per_second"]
        samples.setdefault(key, []).append(value)
    # spread: how far the repetitions of one benchmark lie apart, relative to their median
    results = {key: {"value": statistics.median(values), "error": None,
                     "spread": (max(values) - min(values)) / statistics.median(values) if len(values) > 1 else 0}
               for key, values in samples.items()}
    for key, message in errors.items():
        results[key] = {"value": None, "error": message}
    return document.get("context", {}), results


def value(results, kind, name, size=0):
    entry = results.get((kind, name, size))
    return entry["value"] if entry else None


def cell(results, key, text):
    entry = results.get(key)
    if entry is None:
        return "not run"
    if entry["error"]:
        return "failed: " + entry["error"].replace("|", "/").splitlines()[0]
    return text(entry["value"])


def fragments(context, results):
    """The rendering as named pieces, in order: {"measured": text, "throughput": table, "throughput-words":
    sentences, "latency": ..., "latency-words": ..., "alloc": ..., "alloc-words": ..., "spawn": ...,
    "spawn-words": ...}. A piece without results is left out (a words piece also when one of its figures
    is missing)."""
    pieces = {}
    date = context.get("date", "an unknown date")
    load_avg = context.get("load_avg")
    machine = f"{context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz"
    pieces["measured"] = (f"Measured {date} on {machine}"
                          + (f", load average {', '.join(f'{x:.2f}' for x in load_avg)}" if load_avg else "")
                          + ". Median of each benchmark's runs; wall-clock time." + "".join(notes(context, results)))
    kinds = {kind for kind, _, _ in results}
    if "throughput" in kinds:
        throughput_pieces(pieces, results)
    if "latency" in kinds:
        latency_pieces(pieces, results)
    if "handoff" in kinds:
        handoff_pieces(pieces, results)
    if "alloc" in kinds:
        alloc_pieces(pieces, results)
    if "container" in kinds:
        container_pieces(pieces, results)
    if "durable" in kinds:
        durable_pieces(pieces, results)
    if "spawn" in kinds:
        spawn_pieces(pieces, results)
    return {name: text for name, text in pieces.items() if text}


def notes(context, results):
    """Sentences about how far the figures can be trusted: a busy machine
    (load above the number of CPUs, or repetitions of one benchmark that
    spread by more than 10%), and what Google Benchmark's own DEBUG warning means."""
    said = []
    load_avg, cpus = context.get("load_avg"), context.get("num_cpus")
    if load_avg and cpus and max(load_avg[:2]) > cpus:
        said.append(f" Warning: the machine was busy (load average {max(load_avg[:2]):.2f} on {cpus} CPUs): "
                    "the two processes of a benchmark waited for the CPU, so its figures are low and the "
                    "ratios between transports unreliable; measure again on a quiet machine.")
    spread = [key for key, entry in results.items() if key[0] not in DERIVED and entry.get("spread", 0) > 0.10]
    if spread:
        said.append(f" Warning: the repetitions of {len(spread)} benchmark(s) differ by more than 10% "
                    "(the machine was not quiet): their medians are shown.")
    if context.get("library_build_type") == "debug":
        said.append(" (Debian's Google Benchmark library says it was built as DEBUG: that concerns the "
                    "library's own bookkeeping, not the code it measures, which is built with optimisation.)")
    return said


TITLES = {
    "throughput": "### Throughput: one process sends, the other reads",
    "latency": "### Round trip of a 64-byte message",
    "handoff": "### Handing a contended lock to the other process",
    "alloc": "### Allocating and freeing a 64-byte block, in one process",
    "container": "### Container operations in a segment and in the heap, in one process",
    "durable": "### Rewriting part of a file and flushing it",
    "spawn": "### Starting a process and waiting for it",
}

# Every piece the chapter page includes (\includedoc ch08-NAME.md), in order. A table without results reads
# as this; a words piece without its figures is written empty.
PAGE_PIECES = ["measured", "throughput", "throughput-words", "latency", "latency-words", "handoff", "handoff-words",
               "alloc", "alloc-words", "container", "container-words", "durable", "durable-words", "spawn", "spawn-words"]
NOT_MEASURED = "Not measured in this results file: `./ipclab bench --save` measures it."


def render(context, results):
    """Everything as one markdown text, for the terminal and results.md."""
    out = []
    for name, text in fragments(context, results).items():
        if name in TITLES:
            out.append(TITLES[name])
        out.append(text)
    return "\n\n".join(out)


def throughput_pieces(pieces, results):
    sizes = sorted({size for kind, _, size in results if kind == "throughput"})
    rows = ["| message | transport | GB/s | against memcpy | against the pipe |",
            "| ---: | --- | ---: | ---: | ---: |"]
    for size in sizes:
        memcpy, pipe = value(results, "throughput", "memcpy", size), value(results, "throughput", "pipe", size)
        for name in ["memcpy"] + TRANSPORTS:
            key = ("throughput", name, size)
            if key not in results:
                continue
            mine = results[key]["value"]
            vs_memcpy = "" if name == "memcpy" else speed_text(mine, memcpy, True)
            vs_pipe = "" if name in ("memcpy", "pipe") else speed_text(mine, pipe, True)
            rows.append(f"| {size_text(size)} | {TRANSPORT_NAMES[name]} | {cell(results, key, gbs)} "
                        f"| {vs_memcpy} | {vs_pipe} |")
    pieces["throughput"] = "\n".join(rows)
    words = []
    for size in sizes:
        memcpy, pipe = value(results, "throughput", "memcpy", size), value(results, "throughput", "pipe", size)
        ring, sock = value(results, "throughput", "ring", size), value(results, "throughput", "socket", size)
        if None in (memcpy, pipe, ring, sock):
            continue
        words.append(f"- At {size_text(size)} a message, the ring moves {rate_text(ring)}: "
                     f"{speed_text(ring, memcpy, True)} than memcpy within one process ({rate_text(memcpy)}), "
                     f"and {speed_text(ring, pipe, True)} than the pipe ({rate_text(pipe)}); "
                     f"the socket moves {rate_text(sock)}, {speed_text(sock, pipe, True)} than the pipe.")
        boost_queue = value(results, "throughput", "message_queue", size)
        posix_queue = value(results, "throughput", "posix_mq", size)
        if None not in (boost_queue, posix_queue):
            words.append(f"- At {size_text(size)} a message, Boost's `message_queue` moves {rate_text(boost_queue)} "
                         f"({speed_text(boost_queue, pipe, True)} than the pipe) and a POSIX queue "
                         f"{rate_text(posix_queue)} ({speed_text(posix_queue, pipe, True)}).")
    pieces["throughput-words"] = "\n".join(words)


def ratio_table(results, kind, names, reference, header, labels, text):
    """A markdown table of the times of the `kind` results of `names` (rows labelled by `labels`, else by
    name; values shown by `text`), each compared with the result of `reference`."""
    rows = [header, "| --- | ---: | ---: |"]
    base = value(results, kind, reference)
    for name in names:
        key = (kind, name, 0)
        if key in results:
            against = "" if name == reference else speed_text(results[key]["value"], base, False)
            rows.append(f"| {labels.get(name, name)} | {cell(results, key, text)} | {against} |")
    return "\n".join(rows)


def latency_pieces(pieces, results):
    pieces["latency"] = ratio_table(results, "latency", TRANSPORTS + SLOTS, "pipe",
                                    "| transport | round trip, µs | against the pipe |", TRANSPORT_NAMES, us)
    words = []
    latencies = [value(results, "latency", name) for name in ["ring", "pipe", "socket"]]
    if None not in latencies:
        ring, pipe, sock = latencies
        words.append(
            f"- A round trip takes {us(ring)} µs through the ring, {us(pipe)} µs through the pipe "
            f"and {us(sock)} µs through the socket: the ring is {speed_text(ring, pipe, False)} than the pipe, "
            f"the socket {speed_text(sock, pipe, False)}.")
    queues = [value(results, "latency", name) for name in ["pipe", "message_queue", "posix_mq"]]
    if None not in queues:
        pipe, boost_queue, posix_queue = queues
        words.append(
            f"- Through message queues, a round trip takes {us(boost_queue)} µs with Boost's `message_queue` "
            f"({speed_text(boost_queue, pipe, False)} than the pipe) and {us(posix_queue)} µs with a POSIX queue "
            f"({speed_text(posix_queue, pipe, False)}): Boost's queue is a mutex and two conditions in a segment, "
            f"woken through futexes like the slot woken by a condition; a POSIX queue is one system call a message.")
    slots = [value(results, "latency", name) for name in ["pipe"] + SLOTS]
    if None not in slots:
        pipe, condition, semaphore, spin = slots
        words.append(
            f"- Through one slot of a segment, a round trip takes {us(condition)} µs when the reader sleeps on a "
            f"condition ({speed_text(condition, pipe, False)} than the pipe), {us(semaphore)} µs on a semaphore "
            f"({speed_text(semaphore, pipe, False)}), and {us(spin)} µs when it spins on an atomic flag: "
            f"{speed_text(spin, pipe, False)} than the pipe, "
            + ("because neither process enters the kernel." if spin < pipe else
               "because the spinning process held a core that the process it waited for needed (more processes "
               "wanted to run than there were cores), where a process asleep in the kernel leaves its core free "
               "and is woken straight onto one" + on_cpu_text(results) + "."))
    pieces["latency-words"] = "\n".join(words)


def on_cpu_text(results):
    share = value(results, "latency_on_cpu", "spin")
    if share is None:
        return ""
    return (f": the measuring process was on a CPU {share:.0%} of the time, where a spinner with a core of "
            f"its own is on it all the time")


def handoff_pieces(pieces, results):
    rows = ["| lock | one handoff, median, µs | mean, µs | against interprocess_mutex (medians) |",
            "| --- | ---: | ---: | ---: |"]
    base = value(results, "handoff", "mutex")
    for name in LOCKS:
        key = ("handoff", name, 0)
        if key in results:
            against = "" if name == "mutex" else speed_text(results[key]["value"], base, False)
            mean = cell(results, ("handoff_mean", name, 0), us) if not results[key]["error"] else ""
            rows.append(f"| {LOCK_NAMES[name]} | {cell(results, key, us)} | {mean} | {against} |")
    pieces["handoff"] = "\n".join(rows)
    times = [value(results, "handoff", name) for name in LOCKS]
    if None not in times:
        mutex, named, sharable, file = times
        pieces["handoff-words"] = (
            f"- A handoff, from one process's unlock to the moment the other, asleep in lock(), holds the lock "
            f"(the median of a run), takes "
            f"{us(mutex)} µs for an `interprocess_mutex`, {us(named)} µs for a `named_mutex` "
            f"({speed_text(named, mutex, False)}), {us(sharable)} µs for an `interprocess_sharable_mutex` "
            f"locked exclusively ({speed_text(sharable, mutex, False)}) and {us(file)} µs for a `file_lock` "
            f"({speed_text(file, mutex, False)}).")


def alloc_pieces(pieces, results):
    pieces["alloc"] = ratio_table(results, "alloc", ALLOCATORS, "malloc",
                                  "| allocator | allocate + deallocate, ns | against malloc |", ALLOCATOR_NAMES, ns_text)
    malloc = value(results, "alloc", "malloc")
    costs = {name: value(results, "alloc", name) for name in ALLOCATORS}
    if None not in costs.values():
        others = ", ".join(f"{name} {ns_text(ns)} ns ({speed_text(ns, malloc, False)})"
                           for name, ns in costs.items() if name != "malloc")
        pools = {name: costs[name] for name in POOLS}
        fastest = min(pools, key=pools.get)
        pieces["alloc-words"] = (
            f"- malloc and free take {ns_text(malloc)} ns a block; in a managed segment: {others}.\n"
            f"- Of the pools, {fastest} is the fastest: {speed_text(pools[fastest], costs['rbtree_best_fit'], False)} "
            f"than the segment's general algorithm ({ns_text(costs['rbtree_best_fit'])} ns), and "
            f"{speed_text(pools[fastest], malloc, False)} than malloc.")


def container_pieces(pieces, results):
    rows = ["| operation, one of 1000 | `std::allocator`, ns | in a segment, ns | in a segment against the heap |",
            "| --- | ---: | ---: | ---: |"]
    words = []
    for operation in CONTAINER_OPERATIONS:
        heap_key, segment_key = ("container", operation + "_heap", 0), ("container", operation + "_segment", 0)
        if heap_key not in results and segment_key not in results:
            continue
        heap, segment = value(results, *heap_key[:2]), value(results, *segment_key[:2])
        rows.append(f"| {CONTAINER_OPERATION_NAMES[operation]} | {cell(results, heap_key, ns_text)} "
                    f"| {cell(results, segment_key, ns_text)} | {speed_text(segment, heap, False)} |")
        if None not in (heap, segment):
            words.append(f"- {CONTAINER_OPERATION_NAMES[operation]}: {ns_text(heap)} ns with `std::allocator`, "
                         f"{ns_text(segment)} ns with the segment's allocator ({speed_text(segment, heap, False)}).")
    pieces["container"] = "\n".join(rows)
    pieces["container-words"] = "\n".join(words)


def durable_pieces(pieces, results):
    sizes = sorted({size for kind, _, size in results if kind == "durable"})
    rows = ["| bytes | how | one write and flush, µs | against write + fsync |", "| ---: | --- | ---: | ---: |"]
    for size in sizes:
        base = value(results, "durable", "write_fsync", size)
        for name in DURABLE:
            key = ("durable", name, size)
            if key in results:
                against = "" if name == "write_fsync" else speed_text(results[key]["value"], base, False)
                rows.append(f"| {size_text(size)} | {DURABLE_NAMES[name]} | {cell(results, key, us_plain)} | {against} |")
    pieces["durable"] = "\n".join(rows)
    words = []
    for size in sizes:
        fsync, asynchronous, synchronous = (value(results, "durable", name, size) for name in DURABLE)
        if None in (fsync, asynchronous, synchronous):
            continue
        words.append(
            f"- Rewriting {size_text(size)}: `write` + `fsync` takes {us_plain(fsync)} µs; a managed_mapped_file's "
            f"`flush()` returns after {us_plain(asynchronous)} µs ({speed_text(asynchronous, fsync, False)}), because it "
            f"only schedules the write-back (msync MS_ASYNC): the bytes are not yet on the disk when it returns; "
            f"the synchronous `flush(0, 0, false)` of a mapped_region, which waits like fsync, takes "
            f"{us_plain(synchronous)} µs ({speed_text(synchronous, fsync, False)}).")
    pieces["durable-words"] = "\n".join(words)


def spawn_pieces(pieces, results):
    pieces["spawn"] = ratio_table(results, "spawn", SPAWNED, "true",
                                  "| program | one spawn, start to exit, ms | against /bin/true |", SPAWNED_NAMES, ms)
    true = value(results, "spawn", "true")
    chapter = value(results, "spawn", "chapter")
    if None not in (true, chapter):
        pieces["spawn-words"] = (
            f"- Starting a chapter child on a segment and waiting for it takes {ms(chapter)} ms, "
            f"{speed_text(chapter, true, False)} than `/bin/true` ({ms(true)} ms); "
            f"a test that spawns K children pays at least K × {ms(chapter)} ms.")


def plot(results, path):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        sys.exit("render_results.py: gnuplot is not installed (scripts/bootstrap installs gnuplot-nox)")
    sizes = sorted({size for kind, _, size in results if kind == "throughput"})
    script = [
        f"set terminal pngcairo size 860,520 font 'Sans,11'",
        f"set output '{path}'",
        "set title 'Throughput between two processes (memcpy: within one)'",
        "set logscale xy",
        "set xlabel 'message size'",
        "set ylabel 'GB/s'",
        "set grid",
        "set key bottom right box opaque",
        "set xtics (" + ", ".join(f"'{size_text(s)}' {s}" for s in sizes) + ")",
        f"set xrange [{min(sizes, default=64) / 2}:{max(sizes, default=64) * 2}]",
    ]
    lines = []
    for name in ["memcpy"] + TRANSPORTS:
        points = [(s, value(results, "throughput", name, s)) for s in sizes]
        points = [(s, v) for s, v in points if v]
        if not points:
            continue
        script.append(f"${name} << EOD")
        script += [f"{s} {v / 1e9}" for s, v in points]
        script.append("EOD")
        style = "dashtype 2" if name == "memcpy" else ""
        lines.append(f"${name} using 1:2 with linespoints lw 2 pt 7 {style} title '{TRANSPORT_NAMES[name]}'")
    if not lines:
        sys.exit("render_results.py: no throughput results to plot")
    script.append("plot " + ", ".join(lines))
    subprocess.run([gnuplot], input="\n".join(script) + "\n", text=True, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--markdown", help="write the tables and sentences here too")
    parser.add_argument("--plot", help="draw throughput against size into this PNG")
    parser.add_argument("--fragments", metavar="DIR",
                        help="write each piece apart as DIR/ch08-NAME.md (the chapter page includes them)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on stdout")
    args = parser.parse_args()
    context, results = load(args.results)
    if not results:
        sys.exit(f"render_results.py: {args.results} holds no ipclab-bench results")
    text = render(context, results)
    if not args.quiet:
        print(text)
    if args.markdown:
        pathlib.Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        pathlib.Path(args.markdown).write_text(text + "\n")
    if args.fragments:
        folder = pathlib.Path(args.fragments)
        folder.mkdir(parents=True, exist_ok=True)
        pieces = fragments(context, results)
        for name in PAGE_PIECES:
            missing = "" if name.endswith("-words") else NOT_MEASURED
            (folder / f"ch08-{name}.md").write_text(pieces.get(name, missing) + "\n")
    if args.plot:
        pathlib.Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
        plot(results, args.plot)


if __name__ == "__main__":
    main()
