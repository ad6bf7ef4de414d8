#pragma once
// A sink for fuzz targets: checks every sample is finite where it must be, and keeps nothing.

#include <cmath>
#include <cstdlib>
#include <variant>

#include "pneuma/drivers/device.hpp"

namespace pneuma::fuzz {

struct CheckingSink final : drivers::SampleSink {
  unsigned long count = 0;
  void on_sample(drivers::DeviceSample const& s) noexcept override {
    ++count;
    if (auto const* r = std::get_if<drivers::RespSample>(&s); r && !std::isfinite(r->value)) std::abort();
    if (auto const* rr = std::get_if<drivers::RrInterval>(&s); rr && rr->ticks == 0) std::abort();
    if (auto const* g = std::get_if<drivers::SignalGap>(&s); g && g->to_s < g->from_s) std::abort();
  }
};

} // namespace pneuma::fuzz
