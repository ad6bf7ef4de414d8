#include "pneuma/drivers/link/link_factory.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <set>
#include <stdexcept>

namespace pneuma::drivers {
namespace {

[[noreturn]] void bad(SourceSpec const& spec, std::string const& why) {
  throw std::invalid_argument(spec.kind + ":" + spec.target + ": " + why);
}

std::string protocol_of(SourceSpec const& spec) {
  const std::string p = spec.option("protocol").value_or("bridge");
  if (p != "bridge" && p != "bitalino" && p != "ascii")
    bad(spec, "protocol '" + p + "': expected bridge, bitalino or ascii");
  if (p == "bitalino" && spec.kind != "serial") bad(spec, "protocol bitalino needs a serial port");
  return p;
}

void check_keys(SourceSpec const& spec, std::string const& protocol) {
  std::set<std::string> allowed{"protocol"};
  if (spec.kind == "serial") allowed.insert("baud");
  if (spec.kind == "udp") allowed.insert("bind");
  if (protocol == "bitalino") allowed.insert({"channel", "rate"});
  if (protocol == "ascii") allowed.insert({"column", "label", "hz"});
  if (protocol == "bridge") allowed.insert({"channel", "hz"});
  for (auto const& [key, value] : spec.options)
    if (!allowed.contains(key)) bad(spec, "unknown option '" + key + "' for protocol " + protocol);
}

std::uint16_t port_of(SourceSpec const& spec, std::string_view text) {
  unsigned v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v == 0 || v > 65535)
    bad(spec, "port '" + std::string(text) + "': expected 1 to 65535");
  return static_cast<std::uint16_t>(v);
}

std::unique_ptr<ByteProtocol> protocol_for(SourceSpec const& spec, std::string const& p) {
  if (p == "bitalino")
    return make_bitalino_protocol(static_cast<int>(spec.number("channel", 1, 1, 6)),
                                  static_cast<int>(spec.number("rate", 100, 1, 1000)));
  if (p == "ascii")
    return make_ascii_protocol(static_cast<std::size_t>(spec.number("column", 0, 0, 63)),
                               spec.option("label").value_or(""), spec.number("hz", 50, 0.1, 10000));
  return make_bridge_protocol(static_cast<std::size_t>(spec.number("channel", 0, 0, 63)));
}

} // namespace

bool is_link_source(SourceSpec const& spec) noexcept {
  return spec.kind == "serial" || spec.kind == "tcp" || spec.kind == "udp";
}

std::unique_ptr<LinkDevice> make_link_device(SourceSpec const& spec,
                                             boost::asio::any_io_executor executor,
                                             Clock const& clock) {
  const std::string protocol = protocol_of(spec);
  check_keys(spec, protocol);
  LinkConfig config;
  if (spec.kind == "serial") {
    config.kind = LinkConfig::Kind::serial;
    config.path = spec.target;
    config.baud = static_cast<unsigned>(spec.number("baud", 115200, 50, 4000000));
  } else {
    config.kind = spec.kind == "tcp" ? LinkConfig::Kind::tcp : LinkConfig::Kind::udp;
    const auto colon = spec.target.rfind(':');
    if (colon == std::string::npos) bad(spec, "expected HOST:PORT");
    config.host = spec.target.substr(0, colon);
    config.port = port_of(spec, std::string_view(spec.target).substr(colon + 1));
    if (config.kind == LinkConfig::Kind::udp) {
      if (config.host.empty()) config.host = spec.option("bind").value_or("127.0.0.1");
      boost::system::error_code ec;
      (void)boost::asio::ip::make_address(config.host, ec);
      if (ec) bad(spec, "bind address '" + config.host + "' is not an IP address");
    } else if (config.host.empty()) {
      bad(spec, "missing host (tcp:HOST:PORT)");
    }
  }
  if (protocol == "bitalino" && spec.option("baud") && config.baud != 115200)
    bad(spec, "BITalino talks at 115200 baud");
  return std::make_unique<LinkDevice>(executor, clock, config, protocol_for(spec, protocol));
}

double link_resp_hz(SourceSpec const& spec) {
  if (spec.option("protocol").value_or("bridge") == "bitalino") return spec.number("rate", 100, 1, 1000);
  return spec.number("hz", 50, 0.1, 10000);
}

} // namespace pneuma::drivers
