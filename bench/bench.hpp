#pragma once
// The benchmark registry. Each bench_*.cpp registers named benchmarks; `pneuma-bench --json`
// prints one object per line: {"name","items","seconds","items_per_s","allocations", ...extra}.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pneuma::bench {

/// Heap allocations made by this process so far (operator new is replaced in alloc_counter.cpp).
std::uint64_t allocations() noexcept;

struct Result {
  double items = 0;                       ///< samples, beats, frames, bytes ...
  double seconds = 0;                     ///< wall time of the measured part
  std::uint64_t allocations = 0;          ///< heap allocations during the measured part
  std::map<std::string, double> extra{};  ///< e.g. latency percentiles, peak RSS
};

/// Measures `body` once: wall time and allocations. Set-up belongs outside.
template <class F> Result measure(double items, F&& body) {
  const auto a0 = allocations();
  const auto t0 = std::chrono::steady_clock::now();
  body();
  const auto t1 = std::chrono::steady_clock::now();
  return {items, std::chrono::duration<double>(t1 - t0).count(), allocations() - a0, {}};
}

struct Benchmark {
  std::string name;
  std::string description;
  std::function<Result()> run;
};

std::vector<Benchmark>& registry();

struct Registration {
  Registration(std::string name, std::string description, std::function<Result()> run) {
    registry().push_back({std::move(name), std::move(description), std::move(run)});
  }
};

/// Keeps a value alive so the optimiser cannot drop the work that produced it.
template <class T> void keep(T const& value) { asm volatile("" : : "g"(&value) : "memory"); }

} // namespace pneuma::bench
