// pneuma-bench [--json] [--list] [NAME...]: runs the registered benchmarks (all, or those whose
// name contains one of the given words) and prints throughput, time, allocations and extras.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench.hpp"

namespace pneuma::bench {
std::vector<Benchmark>& registry() {
  static std::vector<Benchmark> all;
  return all;
}
} // namespace pneuma::bench

namespace {
double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}
} // namespace

int main(int argc, char** argv) {
  using namespace pneuma::bench;
  bool json = false, list = false;
  std::vector<std::string> filters;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) json = true;
    else if (std::strcmp(argv[i], "--list") == 0) list = true;
    else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << "usage: pneuma-bench [--json] [--list] [NAME...]\n";
      return 0;
    } else filters.emplace_back(argv[i]);
  }
  int failures = 0;
  for (auto const& b : registry()) {
    if (!filters.empty()) {
      bool match = false;
      for (auto const& f : filters) match = match || b.name.find(f) != std::string::npos;
      if (!match) continue;
    }
    if (list) {
      std::cout << b.name << "  " << b.description << "\n";
      continue;
    }
    try {
      Result r = b.run();
      const double per_s = r.seconds > 0 ? r.items / r.seconds : 0;
      if (json) {
        nlohmann::ordered_json j{{"name", b.name},          {"items", r.items},
                         {"seconds", r.seconds},    {"items_per_s", per_s},
                         {"allocations", r.allocations}, {"peak_rss_mb", peak_rss_mb()}};
        for (auto const& [k, v] : r.extra) j[k] = v;
        std::cout << j.dump() << std::endl;
      } else {
        std::printf("%-28s %12.0f items %9.4f s %14.0f items/s %6llu allocs", b.name.c_str(),
                    r.items, r.seconds, per_s, static_cast<unsigned long long>(r.allocations));
        for (auto const& [k, v] : r.extra) std::printf("  %s=%.4g", k.c_str(), v);
        std::printf("\n");
      }
    } catch (std::exception const& e) {
      std::cerr << b.name << ": " << e.what() << "\n";
      ++failures;
    }
  }
  return failures == 0 ? 0 : 1;
}
