// libFuzzer: the PMD start sequence fed arbitrary control-point notifications. Stateless across
// inputs: each input is one connection (a fresh machine), its first byte picks ECG/ACC/PPI (bit 3:
// a feature read, byte 2 its bitmask), the rest is split into notifications by length bytes; a
// length byte of 0xFF is the transport's answer timeout instead (on_unanswered).
// Checks: commands are well formed, only START/STOP, at most one START per measurement, none for
// a type the feature read lacks, STOP only for what was requested.
#include <cstdint>
#include <cstdlib>

#include "pneuma/drivers/parsers/pmd_sequence.hpp"

namespace {
void check(pneuma::drivers::PmdCommand const& c) {
  if (c.size < 2 || c.size > c.bytes.size()) std::abort();
  if (c.bytes[0] != 0x02 && c.bytes[0] != 0x03) std::abort();
  if (c.bytes[1] != 0x00 && c.bytes[1] != 0x02 && c.bytes[1] != 0x03) std::abort();
  if (c.bytes[1] == 0x03 && c.size != 2) std::abort(); // PPI: no settings
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers;
  if (size == 0) return 0;
  PmdStartSequence seq(PmdSequenceConfig{(data[0] & 1) != 0, (data[0] & 2) != 0, (data[0] & 4) != 0});
  const bool read = (data[0] & 8) != 0 && size >= 2;
  const std::uint8_t features[2] = {0x0F, read ? data[1] : std::uint8_t{0}};
  int starts[4] = {0, 0, 0, 0};
  auto count = [&](PmdCommand const& c) {
    check(c);
    if (c.bytes[0] != 0x02) return;
    if (++starts[c.bytes[1]] > 1) std::abort();
    if (seq.features() && !pmd_offers(*seq.features(), c.bytes[1])) std::abort();
  };
  if (auto first = read ? seq.begin(features) : seq.begin()) count(*first);
  std::size_t at = read ? 2 : 1;
  while (at < size) {
    if (data[at] == 0xFF) { // the outstanding START timed out
      const bool awaiting = seq.awaiting();
      const auto step = seq.on_unanswered();
      if ((step.event == PmdStartSequence::Step::Event::unanswered) != awaiting) std::abort();
      if (step.next) count(*step.next);
      ++at;
      continue;
    }
    const std::size_t n = std::min<std::size_t>(data[at], size - at - 1);
    const auto step = seq.on_control({data + at + 1, n});
    if (step.next) count(*step.next);
    at += 1 + n;
  }
  const auto stops = seq.stop_commands();
  if (stops.count > 3) std::abort();
  for (auto const& c : stops.view()) {
    check(c);
    if (c.bytes[0] != 0x03 || !seq.requested(static_cast<PmdType>(c.bytes[1]))) std::abort();
  }
  if (seq.started(PmdType::ecg) && !seq.requested(PmdType::ecg)) std::abort();
  if (seq.started(PmdType::acc) && !seq.requested(PmdType::acc)) std::abort();
  if (seq.started(PmdType::ppi) && !seq.requested(PmdType::ppi)) std::abort();
  return 0;
}
