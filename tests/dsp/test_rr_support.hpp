#pragma once
// Test helpers for the heart tests: a small CSV column reader for ../shared recordings and an
// independent RR-series corruptor (ectopic pairs, missed and extra beats) with ground truth.

#include <cmath>
#include <cstddef>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace pneuma::test {

/// All numeric values of column `name` (header row required); empty cells become NaN.
inline std::vector<double> read_csv_column(std::string const& path, std::string const& name) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) header.push_back(cell);
  }
  std::size_t col = header.size();
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) col = i;
  if (col == header.size()) throw std::runtime_error("no column " + name + " in " + path);
  std::vector<double> out;
  while (std::getline(in, line)) {
    std::size_t start = 0;
    for (std::size_t c = 0; c < col; ++c) start = line.find(',', start) + 1;
    const std::size_t end = line.find(',', start);
    const std::string cell = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    out.push_back(cell.empty() ? std::nan("") : std::stod(cell));
  }
  return out;
}

/// Reads a whole JSON-free list of numbers from `"key": [ ... ]` in a JSON text (peer references).
inline std::vector<double> json_number_list(std::string const& text, std::string const& key) {
  const auto k = text.find("\"" + key + "\"");
  if (k == std::string::npos) return {};
  const auto open = text.find('[', k);
  const auto close = text.find(']', open);
  std::vector<double> out;
  std::stringstream ss(text.substr(open + 1, close - open - 1));
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(std::stod(cell));
  return out;
}

inline std::string read_text(std::string const& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

enum class Injected { none, ectopic, missed, extra };

struct CorruptedRr {
  std::vector<double> rr_ms;
  std::vector<Injected> truth; ///< per output interval: which artifact it belongs to
  int events = 0;
};

/// Corrupts a clean RR series at `rate` events per beat, spacing events >= 12 beats apart:
/// ectopic: premature beat at 60-75 % of the interval + compensatory pause (two intervals);
/// missed: two intervals merged into one; extra: one interval split at 30-70 %.
inline CorruptedRr corrupt_rr(std::vector<double> const& clean, double rate, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  CorruptedRr out;
  std::size_t since = 0;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    ++since;
    const bool room = i + 1 < clean.size() && since > 12 && i > 60 && i + 60 < clean.size();
    if (room && u(rng) < rate * 1.1) {
      since = 0;
      ++out.events;
      const double kind = u(rng);
      if (kind < 0.4) { // ectopic pair
        const double f = 0.6 + 0.15 * u(rng);
        out.rr_ms.push_back(clean[i] * f);
        out.rr_ms.push_back(clean[i + 1] + clean[i] * (1 - f));
        out.truth.push_back(Injected::ectopic);
        out.truth.push_back(Injected::ectopic);
        ++i;
      } else if (kind < 0.7) { // missed
        out.rr_ms.push_back(clean[i] + clean[i + 1]);
        out.truth.push_back(Injected::missed);
        ++i;
      } else { // extra
        const double f = 0.3 + 0.4 * u(rng);
        out.rr_ms.push_back(clean[i] * f);
        out.rr_ms.push_back(clean[i] * (1 - f));
        out.truth.push_back(Injected::extra);
        out.truth.push_back(Injected::extra);
      }
      continue;
    }
    out.rr_ms.push_back(clean[i]);
    out.truth.push_back(Injected::none);
  }
  return out;
}

} // namespace pneuma::test
