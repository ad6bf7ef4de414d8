#pragma once
// Source strings for byte links (design.md §4) -> LinkDevice:
//   serial:PATH?protocol=bridge|bitalino|ascii&baud=115200
//     bitalino: channel=1..6 (the belt's analog input, default 1), rate=1|10|100|1000 (default 100)
//     ascii:    column=N (0-based, default 0) or label=NAME, hz=expected line rate (default 50)
//     bridge:   channel=N (which RSP value is the belt, default 0), hz=belt rate (default 50)
//   tcp:HOST:PORT[?protocol=bridge|ascii]   a bridge serving lines over TCP (client, reconnects)
//   udp::PORT | udp:ADDR:PORT[?protocol=...] one line per datagram; binds 127.0.0.1 unless ADDR
//     (or bind=ADDR) says otherwise.

#include <memory>

#include "pneuma/drivers/link/link_device.hpp"
#include "pneuma/drivers/source_spec.hpp"

namespace pneuma::drivers {

/// True for serial, tcp and udp specs.
bool is_link_source(SourceSpec const& spec) noexcept;
/// Builds the device; throws std::invalid_argument with a one-line message on a bad spec.
std::unique_ptr<LinkDevice> make_link_device(SourceSpec const& spec,
                                             boost::asio::any_io_executor executor,
                                             Clock const& clock);
/// The belt's nominal sample rate for the DSP (Hz).
double link_resp_hz(SourceSpec const& spec);

} // namespace pneuma::drivers
