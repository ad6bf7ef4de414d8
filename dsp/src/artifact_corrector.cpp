#include "pneuma/dsp/artifact_corrector.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::dsp {

std::string_view to_string(BeatClass c) noexcept {
  switch (c) {
  case BeatClass::normal: return "normal";
  case BeatClass::ectopic: return "ectopic";
  case BeatClass::missed: return "missed";
  case BeatClass::extra: return "extra";
  case BeatClass::long_short: return "long_short";
  case BeatClass::gap: return "gap";
  }
  return "?";
}

void ArtifactCorrector::reset() noexcept {
  size_ = 0;
  eval_ = 1;
  released_ = 0;
  out_n_ = 0;
  counts_ = {};
  next_after_gap_ = false;
}

double ArtifactCorrector::median_around(int k) const noexcept {
  std::array<double, 11> w{};
  int n = 0;
  for (int i = std::max(0, k - 5); i <= std::min(size_ - 1, k + 5); ++i) w[static_cast<std::size_t>(n++)] = s_[static_cast<std::size_t>(i)].rr;
  if (n == 0) return 0;
  const auto mid = w.begin() + n / 2;
  std::nth_element(w.begin(), mid, w.begin() + n);
  if (n % 2 == 1) return *mid;
  return 0.5 * (*mid + *std::max_element(w.begin(), mid));
}

double ArtifactCorrector::quartile_dev(bool use_m, int last) const noexcept {
  std::array<double, 128> w{};
  const int first = std::max(use_m ? 0 : 1, last - std::min(cfg_.qd_window, 128) + 1);
  int n = 0;
  for (int i = first; i <= last; ++i) {
    auto const& s = s_[static_cast<std::size_t>(i)];
    w[static_cast<std::size_t>(n++)] = use_m ? s.absm : s.absd;
  }
  if (n < 2) return 0;
  // Linear interpolation between order statistics (as pandas' rolling quantile).
  auto quantile = [&](double q) {
    const double pos = q * (n - 1);
    const int lo = static_cast<int>(pos);
    std::nth_element(w.begin(), w.begin() + lo, w.begin() + n);
    const double a = w[static_cast<std::size_t>(lo)];
    if (lo + 1 >= n) return a;
    const double b = *std::min_element(w.begin() + lo + 1, w.begin() + n);
    return a + (pos - lo) * (b - a);
  };
  const double q1 = quantile(0.25);
  const double q3 = quantile(0.75);
  return 0.5 * (q3 - q1);
}

double ArtifactCorrector::norm_d(int k, double th1) const noexcept {
  if (k < 1 || k >= size_) return 0;
  return (s_[static_cast<std::size_t>(k)].rr - s_[static_cast<std::size_t>(k - 1)].rr) / th1;
}

bool ArtifactCorrector::ectopic_at(int k, double th1) const noexcept {
  const double d = norm_d(k, th1);
  if (d > 1) {
    const double s12 = std::max(norm_d(k - 1, th1), norm_d(k + 1, th1));
    return s12 < -cfg_.c1 * d - cfg_.c2;
  }
  if (d < -1) {
    const double s12 = std::min(norm_d(k - 1, th1), norm_d(k + 1, th1));
    return s12 > -cfg_.c1 * d + cfg_.c2;
  }
  return false;
}

double ArtifactCorrector::sinus_cycle_around(int k) const noexcept {
  // Median of the pair means (RR[j] + RR[j+1]) / 2: a premature beat and its compensatory pause
  // add up to two sinus cycles, so the pair means follow the sinus rhythm even in bigeminy,
  // where no single interval does.
  std::array<double, 11> w{};
  int n = 0;
  for (int j = std::max(0, k - 5); j <= std::min(size_ - 2, k + 5); ++j) {
    auto const& a = s_[static_cast<std::size_t>(j)];
    auto const& b = s_[static_cast<std::size_t>(j + 1)];
    if (a.gap || b.gap) continue;
    w[static_cast<std::size_t>(n++)] = 0.5 * (a.raw + b.raw);
  }
  if (n == 0) return 0;
  const auto mid = w.begin() + n / 2;
  std::nth_element(w.begin(), mid, w.begin() + n);
  return *mid;
}

double ArtifactCorrector::premature_fit(int k) const noexcept {
  if (k + 1 >= size_) return -1;
  auto const& a = s_[static_cast<std::size_t>(k)];
  auto const& b = s_[static_cast<std::size_t>(k + 1)];
  if (a.gap || b.gap || a.synthetic || b.synthetic || a.cls != BeatClass::normal || b.cls != BeatClass::normal)
    return -1;
  const double m = 0.5 * (a.rr + b.rr);
  const double sinus = sinus_cycle_around(k);
  if (!(m > 0) || !(sinus > 0)) return -1;
  // Early beat then late one (or late then early) about the pair's mean, and the pair spanning
  // about two sinus cycles (compensatory or near-compensatory pause). Returns how far the pair's
  // mean is from the sinus cycle (relative), or -1 when it is not such a pair.
  const double off = std::abs(m - sinus) / sinus;
  const bool premature = std::abs(a.rr - b.rr) > 2.0 * cfg_.premature_rel * m && off < cfg_.pair_sum_rel;
  return premature ? off : -1;
}

bool ArtifactCorrector::premature_pair_at(int k) const noexcept {
  const double here = premature_fit(k);
  if (here < 0) return false;
  // A normal interval next to the early one can pass too (normal + early); the true pair is the
  // one whose sum is closer to two sinus cycles.
  const double next = premature_fit(k + 1);
  return next < 0 || here <= next;
}

void ArtifactCorrector::refresh(int from, int to) noexcept {
  for (int k = std::max(1, from); k <= std::min(size_ - 1, to); ++k) {
    auto& s = s_[static_cast<std::size_t>(k)];
    s.absd = std::abs(s.rr - s_[static_cast<std::size_t>(k - 1)].rr);
  }
  for (int k = std::max(0, from - 5); k <= std::min(size_ - 1 - kLookAhead, to + 5); ++k) {
    auto& s = s_[static_cast<std::size_t>(k)];
    const double m = s.rr - median_around(k);
    s.absm = m < 0 ? -2 * m : m;
  }
}

void ArtifactCorrector::insert_at(int k, Slot const& s) noexcept {
  for (int i = size_; i > k; --i) s_[static_cast<std::size_t>(i)] = s_[static_cast<std::size_t>(i - 1)];
  s_[static_cast<std::size_t>(k)] = s;
  ++size_;
}

void ArtifactCorrector::erase_at(int k) noexcept {
  for (int i = k; i + 1 < size_; ++i) s_[static_cast<std::size_t>(i)] = s_[static_cast<std::size_t>(i + 1)];
  --size_;
}

void ArtifactCorrector::release(int upto) noexcept {
  for (; released_ < upto && released_ < size_; ++released_) {
    auto const& s = s_[static_cast<std::size_t>(released_)];
    if (s.synthetic || out_n_ >= static_cast<int>(out_.size())) continue;
    out_[static_cast<std::size_t>(out_n_++)] = {s.gap ? std::nan("") : s.rr, s.raw, s.cls, s.after_gap, s.raw_index};
  }
}

void ArtifactCorrector::append(double rr, bool synthetic) noexcept {
  if (size_ >= kCap - 4) { // keep the newest 128 beats: look-back (91) + median (5) + pending
    const int drop = size_ - 128;
    std::copy(s_.begin() + drop, s_.begin() + size_, s_.begin());
    size_ -= drop;
    eval_ -= drop;
    released_ -= drop;
  }
  Slot s;
  s.synthetic = synthetic;
  s.raw = rr;
  s.rr = rr;
  s.raw_index = counts_.beats > 0 ? counts_.beats - 1 : 0;
  s.after_gap = next_after_gap_;
  next_after_gap_ = false;
  if (!synthetic && rr > cfg_.gap_ms) {
    // A gap: keep the statistics undisturbed (placeholder = local median), never correct it.
    s.gap = true;
    s.cls = BeatClass::gap;
    s.rr = size_ > 0 ? median_around(size_ - 1) : 1000.0;
    ++counts_.gaps;
    next_after_gap_ = true;
  }
  s_[static_cast<std::size_t>(size_++)] = s;
  refresh(size_ - 1, size_ - 1);
  while (eval_ + kLookAhead <= size_ - 1) evaluate();
  release(eval_ - 1);
}

void ArtifactCorrector::evaluate() noexcept {
  const int e = eval_;
  auto& c = s_[static_cast<std::size_t>(e)];
  if (c.gap || c.cls != BeatClass::normal) {
    ++eval_;
    return;
  }
  auto slot = [&](int k) -> Slot& { return s_[static_cast<std::size_t>(k)]; };
  auto count = [&](Slot const& s, std::uint64_t& field, std::uint64_t n) {
    if (!s.synthetic) field += n;
  };
  auto pair = [&](int a, int b) {
    const double m = 0.5 * (slot(a).rr + slot(b).rr);
    for (int k : {a, b}) {
      slot(k).rr = m;
      slot(k).cls = BeatClass::ectopic;
      count(slot(k), counts_.ectopic, 1);
    }
    refresh(a - 1, b + 1);
  };
  // A premature beat by its shape, before any adaptive threshold (which heavy ectopy inflates).
  if (premature_pair_at(e)) {
    pair(e, e + 1);
    eval_ = e + 2;
    return;
  }
  // Far from the sinus cycle (a run of premature beats, a pause): beyond what sinus arrhythmia
  // reaches within 11 beats.
  const double sinus = sinus_cycle_around(e);
  if (sinus > 0 && std::abs(c.rr - sinus) > cfg_.outlier_rel * sinus) {
    count(c, counts_.long_short, 1);
    c.rr = sinus;
    c.cls = BeatClass::long_short;
    refresh(e - 1, e + 1);
    ++eval_;
    return;
  }
  const double med = median_around(e);
  const double floor = cfg_.min_threshold_rel * med;
  // Th1 >= floor, so a change within the floor is |D| <= 1: normal, without the quartiles.
  if (e >= 1 && std::abs(c.rr - s_[static_cast<std::size_t>(e - 1)].rr) <= floor) {
    ++eval_;
    return;
  }
  const double th1 = std::max(cfg_.alpha * quartile_dev(false, size_ - 1), floor);
  const double th2 = std::max(cfg_.alpha * quartile_dev(true, size_ - 1 - kLookAhead), floor);
  if (!(th1 > 0) || !(th2 > 0)) {
    ++eval_;
    return;
  }
  const double de = norm_d(e, th1);
  if (std::abs(de) <= 1) {
    ++eval_;
    return;
  }
  // Ectopic pairs first, both orders (premature + pause, or late + early).
  if (!slot(e + 1).gap && slot(e + 1).cls == BeatClass::normal && ectopic_at(e + 1, th1)) {
    pair(e, e + 1);
    eval_ = e + 2;
    return;
  }
  if (e - 1 >= released_ && !slot(e - 1).gap && slot(e - 1).cls == BeatClass::normal && ectopic_at(e, th1)) {
    pair(e - 1, e);
    eval_ = e + 1;
    return;
  }
  int candidates[2] = {e, -1};
  if (std::abs(norm_d(e + 1, th1)) < std::abs(norm_d(e + 2, th1))) candidates[1] = e + 1;
  for (int j : candidates) {
    if (j < 0 || slot(j).gap) continue;
    const double dj = norm_d(j, th1);
    const double s22 = dj >= 0 ? std::min(norm_d(j + 1, th1), norm_d(j + 2, th1))
                               : std::max(norm_d(j + 1, th1), norm_d(j + 2, th1));
    const bool eq3 = dj > 1 && s22 < -1;
    const bool eq4 = slot(j).absm / th2 > 3;
    const bool eq5 = dj < -1 && s22 > 1;
    if (!eq3 && !eq4 && !eq5) continue;
    const double med_j = median_around(j);
    const bool eq6 = std::abs(slot(j).rr / 2 - med_j) < th2;
    const bool eq7 = std::abs(slot(j).rr + slot(j + 1).rr - med_j) < th2;
    if (eq5 && eq7 && !slot(j + 1).gap) { // extra beat: merge the two halves
      count(slot(j), counts_.extra, slot(j + 1).synthetic ? 1 : 2);
      slot(j).rr += slot(j + 1).rr;
      slot(j).raw += slot(j + 1).raw;
      slot(j).cls = BeatClass::extra;
      erase_at(j + 1);
      refresh(j - 1, j + 1);
    } else if (eq3 && eq6) { // missed beat: split
      count(slot(j), counts_.missed, 1);
      slot(j).rr *= 0.5;
      slot(j).cls = BeatClass::missed;
      Slot twin = slot(j);
      twin.after_gap = false;
      insert_at(j + 1, twin);
      refresh(j - 1, j + 2);
      if (j == e) {
        eval_ = e + 2;
        return;
      }
    } else {
      count(slot(j), counts_.long_short, 1);
      slot(j).rr = med_j;
      slot(j).cls = BeatClass::long_short;
      refresh(j - 1, j + 1);
    }
    break;
  }
  ++eval_;
}

int ArtifactCorrector::push(double rr_ms) noexcept {
  out_n_ = 0;
  if (!std::isfinite(rr_ms) || rr_ms < cfg_.min_rr_ms) { // NaN, negative, or no heart cycle
    ++counts_.invalid;
    return 0;
  }
  ++counts_.beats;
  append(rr_ms, false);
  return out_n_;
}

int ArtifactCorrector::flush() noexcept {
  out_n_ = 0;
  if (size_ == 0) return 0;
  // Pad with the local median so every real beat gets its look-ahead, then release all.
  const double pad = median_around(size_ - 1);
  for (int i = 0; i <= kLookAhead + 1; ++i) append(pad, true);
  release(size_);
  return out_n_;
}

std::vector<double> CleanedRr::nn_ms() const {
  std::vector<double> nn;
  nn.reserve(beats.size());
  for (auto const& b : beats)
    if (b.cls != BeatClass::gap) nn.push_back(b.rr_ms);
  return nn;
}

CleanedRr clean_rr(std::span<const double> raw_ms, ArtifactConfig const& config) {
  CleanedRr r;
  r.raw_ms.reserve(raw_ms.size());
  r.beats.reserve(raw_ms.size() + 16);
  ArtifactCorrector corr(config);
  for (double v : raw_ms) {
    if (std::isfinite(v) && v >= config.min_rr_ms) r.raw_ms.push_back(v);
    const int n = corr.push(v);
    for (int i = 0; i < n; ++i) r.beats.push_back(corr.out(i));
  }
  const int n = corr.flush();
  for (int i = 0; i < n; ++i) r.beats.push_back(corr.out(i));
  r.counts = corr.counts();
  return r;
}

NnSeries nn_series(std::span<const double> beat_s, std::span<const double> rr_ms, ArtifactConfig const& config) {
  NnSeries out;
  const std::size_t n = std::min(beat_s.size(), rr_ms.size());
  std::vector<double> raw_t; // beat times by accepted-interval index, as HeartStream keeps them
  raw_t.reserve(n);
  ArtifactCorrector corr(config);
  double last_t = 0;
  bool pending_gap = false;
  auto take = [&](int released) {
    for (int i = 0; i < released; ++i) {
      CorrectedBeat const& cb = corr.out(i);
      const double own_t = cb.raw_index < raw_t.size() ? raw_t[cb.raw_index] : last_t;
      if (cb.cls == BeatClass::gap) {
        pending_gap = true;
        last_t = own_t;
        continue;
      }
      const double t = cb.cls == BeatClass::normal ? own_t : last_t + cb.rr_ms / 1000.0;
      out.t_s.push_back(t);
      out.rr_ms.push_back(cb.rr_ms);
      out.corrected.push_back(cb.cls == BeatClass::normal ? 0 : 1);
      out.after_gap.push_back(pending_gap || cb.after_gap ? 1 : 0);
      pending_gap = false;
      last_t = t;
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    const bool valid = std::isfinite(rr_ms[i]) && rr_ms[i] >= config.min_rr_ms;
    if (valid) raw_t.push_back(beat_s[i]);
    take(corr.push(rr_ms[i]));
  }
  take(corr.flush());
  return out;
}

std::vector<bool> heavy_ectopy_flags(std::span<const double> raw) {
  std::vector<bool> bad(raw.size(), false);
  std::vector<double> around;
  for (std::size_t k = 0; k < raw.size(); ++k) {
    around.clear();
    for (std::size_t j = k >= 5 ? k - 5 : 0; j < std::min(raw.size(), k + 6); ++j)
      if (j != k) around.push_back(raw[j]);
    if (around.size() < 4) continue;
    std::nth_element(around.begin(), around.begin() + static_cast<long>(around.size() / 2), around.end());
    const double m = around[around.size() / 2];
    const double rr = raw[k];
    bool b = std::abs(rr - m) > 0.35 * m;
    if (k > 0 && k + 1 < raw.size()) {
      const double before = rr - raw[k - 1], after = raw[k + 1] - rr;
      b = b || (std::abs(before) > 0.15 * m && std::abs(after) > 0.15 * m && (before > 0) != (after > 0));
    }
    bad[k] = b;
  }
  return bad;
}

} // namespace pneuma::dsp
