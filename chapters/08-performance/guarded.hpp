#pragma once
// A benchmark's failure (a peer that died, a message that arrived damaged) is
// reported, not thrown out of Google Benchmark: guarded() runs the body and
// turns an exception into a skipped benchmark with its message, counted in
// `failures` so that ipclab-bench exits 1 after all the others have run.
#include <atomic>
#include <exception>
#include <string>

#include <benchmark/benchmark.h>

namespace ipclab::ch08 {

inline std::atomic<int> failures{0};

template <class Body>
void guarded(benchmark::State& state, Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    ++failures;
    std::string message = e.what();
    while (!message.empty() && message.back() == '\n') message.pop_back();
    state.SkipWithError(message.c_str());
  }
}

// A benchmark whose body may throw: a failed benchmark when it does.
template <void (*Body)(benchmark::State&)>
void guarded_benchmark(benchmark::State& state) {
  guarded(state, [&] { Body(state); });
}

/// The benchmarks of allocators.cpp: allocation in one process, and
/// containers in a segment against the same containers in the heap.
void register_allocation_benchmarks();

}  // namespace ipclab::ch08
