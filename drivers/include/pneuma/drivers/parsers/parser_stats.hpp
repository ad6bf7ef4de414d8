#pragma once
// Counters every byte parser keeps: what it decoded, what it threw away, and why.

#include <cstdint>

namespace pneuma::drivers {

struct ParserStats {
  std::uint64_t bytes = 0;         ///< bytes fed
  std::uint64_t frames = 0;        ///< frames/lines/notifications decoded
  std::uint64_t errors = 0;        ///< malformed frames (bad checksum/CRC, bad length, bad field)
  std::uint64_t skipped_bytes = 0; ///< bytes discarded while resynchronising
  std::uint64_t lost = 0;          ///< frames known lost from sequence numbers
};

} // namespace pneuma::drivers
