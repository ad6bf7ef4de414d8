#include "pneuma/drivers/replay_device.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "pneuma/drivers/files/csv_table.hpp"
#include "pneuma/drivers/files/rr_file.hpp"
#include "pneuma/drivers/files/signal_file.hpp"

namespace pneuma::drivers {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(std::string const& s, std::string const& prefix) { return s.rfind(prefix, 0) == 0; }

bool is_resp_name(std::string const& raw) {
  const std::string n = lower(raw);
  for (const char* k : {"resp", "rsp", "thor", "abdo", "belt", "breath"})
    if (n.find(k) != std::string::npos) return true;
  return n == "ip" || starts_with(n, "ip_") || starts_with(n, "ip ");
}

bool is_ecg_name(std::string const& raw) {
  const std::string n = lower(raw);
  if (n.find("ecg") != std::string::npos || n.find("ekg") != std::string::npos) return true;
  for (const char* lead : {"ii", "mlii", "v1", "v2", "v5", "i", "iii", "avr"})
    if (n == lead || starts_with(n, std::string(lead) + "_") || starts_with(n, std::string(lead) + " "))
      return true;
  return false;
}

/// Scale to microvolts from a unit (EDF dimension or a CSV name suffix).
double to_microvolts(std::string const& unit_or_name) {
  const std::string u = lower(unit_or_name);
  if (u == "mv" || u.ends_with("_mv") || u.ends_with("(mv)")) return 1000.0;
  if (u == "v") return 1e6;
  return 1.0;
}

std::uint16_t ticks_of(double rr_ms) {
  return static_cast<std::uint16_t>(std::clamp(std::lround(rr_ms * 1.024), 1L, 65535L));
}

ReplayContent::Stream stream_of(std::vector<double> const& values, double fs, double scale = 1.0) {
  ReplayContent::Stream s;
  s.fs = fs;
  s.values.reserve(values.size());
  float last = 0;
  for (double v : values) {
    if (std::isfinite(v)) last = static_cast<float>(v * scale);
    s.values.push_back(last); // a missing cell repeats the last value
  }
  return s;
}

void load_edf(ReplayContent& c, SourceSpec const& spec) {
  const auto rec = files::read_edf(spec.target);
  const auto want_resp = spec.option("resp");
  const auto want_ecg = spec.option("ecg");
  for (auto const& s : rec.signals) {
    const std::string l = lower(s.label);
    if (c.resp.values.empty() && (want_resp ? s.label == *want_resp : is_resp_name(s.label)))
      c.resp = stream_of(s.values, s.fs_hz);
    else if (c.ecg.values.empty() && (want_ecg ? s.label == *want_ecg : is_ecg_name(s.label)))
      c.ecg = stream_of(s.values, s.fs_hz, to_microvolts(s.unit));
    else if (l == "acc x") c.acc_x = stream_of(s.values, s.fs_hz);
    else if (l == "acc y") c.acc_y = stream_of(s.values, s.fs_hz);
    else if (l == "acc z") c.acc_z = stream_of(s.values, s.fs_hz);
  }
  std::vector<double> beats;
  for (auto const& a : rec.annotations)
    if (a.text == "R" || a.text == "beat") beats.push_back(a.onset_s);
  std::sort(beats.begin(), beats.end());
  for (std::size_t i = 1; i < beats.size(); ++i) {
    const double rr = 1000.0 * (beats[i] - beats[i - 1]);
    if (rr <= 0 || rr > 60000) continue; // a gap, not an interval
    c.beat_s.push_back(beats[i]);
    c.beat_ticks.push_back(ticks_of(rr));
  }
  if (c.acc_x.values.empty() || c.acc_y.values.size() != c.acc_x.values.size() ||
      c.acc_z.values.size() != c.acc_x.values.size())
    c.acc_x = c.acc_y = c.acc_z = {};
  c.description = "EDF";
}

double rate_from_time(std::vector<double> const& t) {
  std::vector<double> steps;
  for (std::size_t i = 1; i < t.size() && steps.size() < 10000; ++i)
    if (std::isfinite(t[i]) && std::isfinite(t[i - 1])) steps.push_back(t[i] - t[i - 1]);
  if (steps.empty()) return 0;
  std::nth_element(steps.begin(), steps.begin() + static_cast<long>(steps.size() / 2), steps.end());
  const double step = steps[steps.size() / 2];
  if (!(step > 0)) return 0;
  const double fs = 1.0 / step; // printed times are rounded: 0.1 s steps mean 10 Hz exactly
  return std::abs(fs - std::round(fs)) < 1e-6 * fs ? std::round(fs) : fs;
}

void load_csv(ReplayContent& c, SourceSpec const& spec) {
  const auto table = files::read_csv(spec.target);
  const auto want_resp = spec.option("resp");
  const auto want_ecg = spec.option("ecg");
  std::optional<std::size_t> resp, ecg, time;
  for (std::size_t i = 0; i < table.names.size(); ++i) {
    const std::string n = lower(table.names[i]);
    if (n == "time" || n == "time_s" || n == "t" || n == "t_s" || n == "timestamp") time = i;
    else if (!resp && (want_resp ? table.names[i] == *want_resp : is_resp_name(table.names[i]))) resp = i;
    else if (!ecg && (want_ecg ? table.names[i] == *want_ecg : is_ecg_name(table.names[i]))) ecg = i;
  }
  if (want_resp && !resp)
    throw std::invalid_argument(spec.target + ": no column named '" + *want_resp + "'");
  if (want_ecg && !ecg) throw std::invalid_argument(spec.target + ": no column named '" + *want_ecg + "'");
  if (resp || ecg) {
    double fs = spec.number("fs", 0, 0, 100000);
    if (fs <= 0 && time) fs = rate_from_time(table.columns[*time]);
    if (fs <= 0)
      throw std::invalid_argument(spec.target +
                                  ": no time column; give the sampling rate as replay:FILE?fs=HZ");
    if (resp) c.resp = stream_of(table.columns[*resp], fs);
    if (ecg) c.ecg = stream_of(table.columns[*ecg], fs, to_microvolts(table.names[*ecg]));
  } else {
    const auto rr = files::read_rr(spec.target); // an RR column
    double t = 0;
    for (std::size_t i = 0; i < rr.rr_ms.size(); ++i) {
      t = rr.beat_time_s.size() == rr.rr_ms.size() ? rr.beat_time_s[i] : t + rr.rr_ms[i] / 1000.0;
      if (!(rr.rr_ms[i] > 0) || !std::isfinite(t)) continue;
      c.beat_s.push_back(t);
      c.beat_ticks.push_back(ticks_of(rr.rr_ms[i]));
    }
  }
  c.description = "CSV";
}

void load_rr_text(ReplayContent& c, SourceSpec const& spec) {
  const auto rr = files::read_rr(spec.target);
  double t = 0;
  for (double x : rr.rr_ms) {
    if (!(x > 0) || !std::isfinite(x)) continue;
    t += x / 1000.0;
    c.beat_s.push_back(t);
    c.beat_ticks.push_back(ticks_of(x));
  }
  c.description = "RR text";
}

} // namespace

double ReplayContent::duration_s() const {
  const double d = std::max({resp.duration_s(), ecg.duration_s(), acc_x.duration_s()});
  if (d > 0) return d; // signals set the length; beats may run a little past their last record
  return beat_s.empty() ? 0 : beat_s.back();
}

ReplayContent ReplayContent::load(SourceSpec const& spec) {
  static const std::vector<std::string> known = {"speed", "fs", "resp", "ecg"};
  for (auto const& [key, value] : spec.options)
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw std::invalid_argument("replay option '" + key + "' is unknown (expected speed, fs, resp, ecg)");
  (void)spec.number("speed", 1, 0.01, 10000);
  if (!std::filesystem::exists(spec.target))
    throw std::runtime_error(spec.target + ": no such file");
  ReplayContent c;
  switch (files::detect_file_kind(spec.target)) {
  case files::FileKind::edf: load_edf(c, spec); break;
  case files::FileKind::csv: load_csv(c, spec); break;
  case files::FileKind::rr_text: load_rr_text(c, spec); break;
  }
  if (c.resp.values.empty() && c.ecg.values.empty() && c.beat_s.empty())
    throw std::runtime_error(spec.target +
                             ": nothing to replay (no respiration or ECG signal and no beats found)");
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s: resp %.0f Hz, ECG %.0f Hz, %zu beats, %.0f s",
                c.description.c_str(), c.resp.fs, c.ecg.fs, c.beat_s.size(), c.duration_s());
  c.description = buf;
  return c;
}

bool ReplayCursor::done() const noexcept {
  return resp_ >= content_.resp.values.size() && ecg_ >= content_.ecg.values.size() &&
         acc_ >= content_.acc_x.values.size() && beat_ >= content_.beat_s.size();
}

int ReplayCursor::advance_to(double t_s, SampleSink& sink, int max_samples) {
  int n = 0;
  auto time_at = [](ReplayContent::Stream const& s, std::size_t i) {
    return i < s.values.size() ? static_cast<double>(i) / s.fs : INFINITY;
  };
  while (n < max_samples) {
    const double tr = time_at(content_.resp, resp_);
    const double te = time_at(content_.ecg, ecg_);
    const double ta = time_at(content_.acc_x, acc_);
    const double tb = beat_ < content_.beat_s.size() ? content_.beat_s[beat_] : INFINITY;
    const double t = std::min({tr, te, ta, tb});
    if (!(t <= t_s)) break;
    if (t == tb) {
      sink.on_sample(RrInterval{tb, tb, content_.beat_ticks[beat_], true});
      ++beat_;
    } else if (t == tr) {
      sink.on_sample(RespSample{tr, tr, content_.resp.values[resp_]});
      ++resp_;
    } else if (t == te) {
      sink.on_sample(EcgSample{te, te, content_.ecg.values[ecg_]});
      ++ecg_;
    } else {
      sink.on_sample(AccSample{ta, ta, content_.acc_x.values[acc_], content_.acc_y.values[acc_],
                               content_.acc_z.values[acc_]});
      ++acc_;
    }
    ++n;
  }
  return n;
}

ReplayDevice::ReplayDevice(boost::asio::any_io_executor executor, Clock const& clock,
                           SourceSpec const& spec)
    : ReplayDevice(std::move(executor), clock,
                   std::make_shared<const ReplayContent>(ReplayContent::load(spec))) {}

ReplayDevice::ReplayDevice(boost::asio::any_io_executor executor, Clock const& clock,
                           std::shared_ptr<const ReplayContent> content)
    : loop_(std::move(executor), clock), content_(std::move(content)), cursor_(*content_) {}

ReplayDevice::~ReplayDevice() { stop(); }

void ReplayDevice::start(SampleSink& sink) {
  sink.on_sample(DeviceStatus::make(loop_.clock().now_s(), DeviceStatus::State::streaming,
                                    "replay " + content_->description));
  loop_.start([this, &sink](double now_s) {
    cursor_.advance_to(now_s, sink, 50000);
    if (cursor_.done() && !ended_) {
      ended_ = true;
      sink.on_sample(DeviceStatus::make(loop_.clock().now_s(), DeviceStatus::State::ended,
                                        "replay finished"));
    }
  });
}

void ReplayDevice::stop() noexcept { loop_.stop(); }

} // namespace pneuma::drivers
