// libFuzzer: the home-plan JSON parser and validator (docs/plan-schema.md). Only
// std::invalid_argument may escape parse(); a plan it accepts has steps in range.
#include <stdexcept>
#include <string>

#include "session/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto plan = pneuma::app::HomePlan::parse(std::string(reinterpret_cast<char const*>(data), size));
    if (plan.steps.empty()) std::abort();
    for (auto const& s : plan.steps)
      if (s.days < 1 || s.days > 365 || !(s.minutes >= 1 && s.minutes <= 120)) std::abort();
  } catch (std::invalid_argument const&) {
  }
  return 0;
}
