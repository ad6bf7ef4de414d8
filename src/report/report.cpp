#include "report/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "analysis/record_analysis.hpp"
#include "session/record_session.hpp"
#include "session/recordings.hpp"
#include "report/report_svg.hpp"

namespace pneuma::app {
namespace {

std::string fmt(std::optional<double> v, int decimals, std::string const& unit = "") {
  if (!v || !std::isfinite(*v)) return "&ndash;";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return std::string(buf) + (unit.empty() ? "" : "&nbsp;" + unit);
}

constexpr char const* kStyle = R"css(
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; margin: 24px auto; max-width: 960px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 6px 0; } td, th { padding: 4px 10px; border-bottom: 1px solid #e4e4e4; text-align: left; }
th { background: #f4f6f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; } .card { border: 1px solid #d8dee4; border-radius: 6px; padding: 8px 12px; min-width: 130px; }
.card .v { font-size: 22px; font-weight: bold; } .card .k { font-size: 12px; color: #555; }
figure.chart { margin: 14px 0; } figcaption { font-weight: bold; margin-bottom: 4px; }
.note { font-size: 12px; color: #555; } .rejected { color: #a33; } tr.best td { background: #eaf6ea; font-weight: bold; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } figure.chart, table, .cards { break-inside: avoid; }
  .card { border-color: #999; } th { background: none; } a { color: inherit; text-decoration: none; } }
section.patient { font-size: 17px; line-height: 1.5; } section.patient li { margin: 4px 0; }
.plan-notes { border-left: 4px solid #2ca02c; padding: 6px 12px; background: #f3faf3; }
@media print { section.patient { break-after: page; } }
@page { size: A4; margin: 14mm; }
)css";

std::vector<std::pair<double, double>> inhale_bands(drivers::files::Recording const& rec, double t0, double t1) {
  std::vector<std::pair<double, double>> bands;
  double start = 0;
  bool open = false;
  std::vector<drivers::files::Annotation> phases;
  for (auto const& a : rec.annotations)
    if (a.text.rfind("Pacer ", 0) == 0 && a.text.find("/min") == std::string::npos) phases.push_back(a);
  std::sort(phases.begin(), phases.end(), [](auto const& a, auto const& b) { return a.onset_s < b.onset_s; });
  for (auto const& a : phases) {
    if (a.text == "Pacer inhale") {
      start = a.onset_s;
      open = true;
    } else if (open) {
      if (a.onset_s > t0 && start < t1) bands.emplace_back(start, a.onset_s);
      open = false;
    }
  }
  return bands;
}

/// The belt scaled to 0..100 between its 2nd and 98th percentiles (comparable with the pacer).
Series belt_percent(drivers::files::SignalData const& belt, double t0, double t1) {
  Series s;
  s.css_class = "belt";
  s.label = "breathing (belt)";
  s.color = "#1f77b4";
  const auto a = static_cast<std::size_t>(std::max(0.0, t0 * belt.fs_hz));
  const auto b = std::min(belt.values.size(), static_cast<std::size_t>(t1 * belt.fs_hz));
  if (b <= a + 2) return s;
  std::vector<double> sorted(belt.values.begin() + static_cast<long>(a), belt.values.begin() + static_cast<long>(b));
  std::sort(sorted.begin(), sorted.end());
  const double lo = sorted[sorted.size() * 2 / 100], hi = sorted[sorted.size() * 98 / 100];
  const double span = hi > lo ? hi - lo : 1;
  for (std::size_t i = a; i < b; ++i) {
    s.x.push_back(static_cast<double>(i) / belt.fs_hz);
    s.y.push_back(100.0 * (belt.values[i] - lo) / span);
  }
  return s;
}

Series signal_series(drivers::files::SignalData const& sig, double t0, double t1, std::string cls,
                     std::string label, std::string color) {
  Series s;
  s.css_class = std::move(cls);
  s.label = std::move(label);
  s.color = std::move(color);
  const auto a = static_cast<std::size_t>(std::max(0.0, t0 * sig.fs_hz));
  const auto b = std::min(sig.values.size(), static_cast<std::size_t>(t1 * sig.fs_hz));
  for (std::size_t i = a; i < b; ++i) {
    s.x.push_back(static_cast<double>(i) / sig.fs_hz);
    s.y.push_back(sig.values[i]);
  }
  return s;
}

} // namespace

std::string local_time_text(std::string const& utc_iso) {
  std::tm utc{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (std::sscanf(utc_iso.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &se) != 6) return utc_iso;
  utc.tm_year = y - 1900;
  utc.tm_mon = mo - 1;
  utc.tm_mday = d;
  utc.tm_hour = h;
  utc.tm_min = mi;
  utc.tm_sec = se;
  const std::time_t t = ::timegm(&utc);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[80];
  // "Tue 1 Dec 2026, 23:05 CET (UTC+01:00)": the zone by name and by offset, so a report read
  // elsewhere is still unambiguous.
  char zone[16];
  std::strftime(zone, sizeof zone, "%z", &local);
  std::string z = zone;
  if (z.size() == 5) z = z.substr(0, 3) + ":" + z.substr(3);
  std::strftime(buf, sizeof buf, "%a %e %b %Y, %H:%M %Z", &local);
  std::string text = buf;
  if (auto dbl = text.find("  "); dbl != std::string::npos) text.erase(dbl, 1); // %e pads the day
  return text + " (UTC" + z + ")";
}

namespace {

std::string card(std::string const& value, std::string const& key) {
  return "<div class=\"card\"><div class=\"v\">" + value + "</div><div class=\"k\">" + key + "</div></div>";
}

/// The first page, for the person who breathed: plain words, what is typical, what to do next.
std::string patient_page(ReportInput const& in, SessionMetrics const& m, double end_s) {
  std::string h = "<section class=\"patient\" id=\"patient\"><h1>Your breathing session</h1>\n";
  std::string when = in.row ? local_time_text(in.row->started_at) : std::string();
  char did[320];
  const double minutes = std::max(1.0, std::round(end_s / 60.0));
  const char* unit = minutes == 1 ? "minute" : "minutes";
  const double pace = in.row && in.row->pacer_bpm > 0 ? in.row->pacer_bpm : std::nan("");
  if (std::isfinite(pace))
    std::snprintf(did, sizeof did, "You breathed with the pacer for %.0f %s at %.1f breaths a minute%s%s.",
                  minutes, unit, pace, when.empty() ? "" : ", on ", html_escape(when).c_str());
  else
    std::snprintf(did, sizeof did, "You breathed for %.0f %s%s%s.", minutes, unit,
                  when.empty() ? "" : ", on ", html_escape(when).c_str());
  h += "<h2>What you did</h2><p>" + std::string(did) + "</p>\n";
  h += "<h2>How your body answered</h2><ul>";
  if (m.breathing_bpm && std::isfinite(pace)) {
    const double off = *m.breathing_bpm - pace;
    h += "<li>Your breathing averaged " + fmt(m.breathing_bpm, 1) + " breaths a minute: " +
         (std::abs(off) <= 0.5 ? "you kept to the pace." : off > 0 ? "a little faster than the pace."
                                                                      : "a little slower than the pace.") + "</li>";
  }
  if (m.compliance_pct)
    h += "<li>You were on the pace for " + fmt(m.compliance_pct, 0, "%") + " of the minutes.</li>";
  if (m.rsa_p2t_bpm) {
    const double p2t = *m.rsa_p2t_bpm;
    h += "<li>With each breath your heart sped up and slowed down by about " + fmt(m.rsa_p2t_bpm, 0) +
         " beats a minute. " +
         // The same range the window shows under the score (view/score_texts.cpp).
         std::string(p2t >= 25   ? "That is a very strong answer (typical during slow breathing: 10&ndash;25, less with age)."
                     : p2t >= 10 ? "That is a good answer (typical during slow breathing: 10&ndash;25, less with age)."
                                 : "That is less than most people reach yet (typical during slow breathing: "
                                   "10&ndash;25, less with age); it often grows over the first weeks of practice.") +
         "</li>";
  }
  if (m.hr_first_bpm && m.hr_last_bpm)
    h += "<li>Your heart rate was " + fmt(m.hr_first_bpm, 0) + " beats a minute in the first two minutes and " +
         fmt(m.hr_last_bpm, 0) + " in the last two.</li>";
  h += "</ul>\n";
  if (in.row && in.row->before && in.row->after) {
    auto change = [](std::optional<double> b, std::optional<double> a, char const* what) -> std::string {
      if (!b || !a) return "";
      return std::string("<li>") + what + ": " + fmt(b, 0) + " before, " + fmt(a, 0) + " after (0&ndash;10).</li>";
    };
    h += "<h2>How you felt</h2><ul>" + change(in.row->before->tension, in.row->after->tension, "Tension") +
         change(in.row->before->pain, in.row->after->pain, "Pain") + "</ul>\n";
  }
  if (in.history) h += "<h2>Against your own sessions</h2><p>" + *in.history + "</p>\n";
  h += "<h2>Next step</h2><p>" +
       (in.next_step ? *in.next_step
                     : std::string("Practise once or twice a day for 10&ndash;20 minutes at this pace; ask your "
                                   "clinician when to reassess it.")) +
       "</p>\n";
  if (in.plan_notes) h += "<p class=\"plan-notes\"><b>Your clinician's notes:</b> " + html_escape(*in.plan_notes) + "</p>\n";
  h += "</section>\n";
  return h;
}

} // namespace

std::string render_report(ReportInput const& in) {
  auto const& rec = in.rec;
  SessionMetrics m = in.row && in.row->metrics.beats > 0 ? in.row->metrics : summarize_recording(rec);
  const BeatSeries beats = beats_from_annotations(rec);
  const double end = rec.duration_s;
  // LF power is the Task Force's (1996) estimate, which needs 2 min of beats: pneuma analyze
  // gives null below that, and so does the report (the summary's short-window periodogram is
  // for the assessment's steps, not a number to read against norms).
  const double beat_span = beats.t_s.empty() ? 0 : beats.t_s.back() - beats.t_s.front();
  const bool lf_known = beat_span >= 120.0;
  if (!lf_known) m.lf_ms2.reset();
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>Pneuma session report</title><style>" + std::string(kStyle) + "</style></head><body>\n";
  h += patient_page(in, m, end);
  h += "<h1 class=\"clinician\">Pneuma session report: the numbers</h1>\n<table class=\"meta\">";
  auto meta = [&](std::string const& k, std::string const& v) {
    h += "<tr><th>" + k + "</th><td>" + v + "</td></tr>";
  };
  if (in.profile) meta("Profile", html_escape(in.profile->name) + " (" + html_escape(in.profile->kind) + ")");
  if (in.row) {
    meta("Session", std::to_string(in.row->id) + " &middot; " + html_escape(in.row->kind) + " &middot; " +
                        html_escape(in.row->status));
    meta("Started", html_escape(local_time_text(in.row->started_at)));
    meta("Source", html_escape(in.row->source));
    meta("Pacer", fmt(in.row->pacer_bpm, 1, "breaths/min") + ", inhale:exhale " + html_escape(in.row->ie));
  }
  if (beats.optical)
    meta("Beats", "an optical sensor's pulse intervals (PPI), not an ECG strap's R-R intervals: the pulse wave's "
                  "travel time, which breathing and posture change, makes their HRV less exact");
  meta("Duration", fmt(end / 60.0, 1, "min"));
  meta("Recording", html_escape(in.recording_path.filename().string()));
  h += "</table>\n";

  h += "<h2>Scores</h2>\n<div class=\"cards\" id=\"scores\">";
  h += card(fmt(m.breathing_bpm, 1), "breathing rate (breaths/min)");
  h += card(fmt(m.compliance_pct, 0, "%"), "minutes on the pacer (&plusmn;0.5/min)");
  h += card(fmt(m.mean_hr_bpm, 0), "mean heart rate (beats/min)");
  h += card(fmt(m.rsa_p2t_bpm, 1), "RSA peak-to-trough (beats/min)");
  h += card(fmt(m.rmssd_ms, 0), "RMSSD (ms)");
  h += card(fmt(m.sdnn_ms, 0), "SDNN (ms)");
  h += card(lf_known ? fmt(m.lf_ms2, 0) : "?", lf_known ? "LF power (ms&sup2;)"
                                                      : "LF power (ms&sup2;): needs 2 min of beats");
  h += card(fmt(m.coherence, 2), "coherence ratio");
  h += card(fmt(m.artifact_pct, 1, "%"), "beats flagged as artifacts");
  h += "</div>\n<p class=\"note\">Slow breathing near 6/min moves the breathing-driven heart-rate swings into the LF band "
       "(0.04&ndash;0.15 Hz): high LF power here means strong resonance, not stress. RSA peak-to-trough of 15&ndash;25 "
       "beats/min is good, above 25 excellent (Lehrer &amp; Gevirtz 2014).</p>\n";

  h += "<h2>Self-ratings</h2>\n";
  if (in.row && (in.row->before || in.row->after)) {
    h += "<table id=\"ratings\"><tr><th></th><th>before</th><th>after</th><th>change</th></tr>";
    auto row = [&](char const* name, auto pick) {
      const std::optional<double> b = in.row->before ? pick(*in.row->before) : std::nullopt;
      const std::optional<double> a = in.row->after ? pick(*in.row->after) : std::nullopt;
      std::optional<double> d;
      if (a && b) d = *a - *b;
      h += std::string("<tr><td>") + name + " (0&ndash;10)</td><td class=\"num\">" + fmt(b, 0) +
           "</td><td class=\"num\">" + fmt(a, 0) + "</td><td class=\"num\">" + fmt(d, 0) + "</td></tr>";
    };
    row("tension", [](Rating const& r) { return r.tension; });
    row("pain", [](Rating const& r) { return r.pain; });
    h += "</table>\n";
  } else {
    h += "<p class=\"note\">No self-ratings recorded for this session.</p>\n";
  }

  // Charts: whole session and a 90 s detail from the middle.
  const auto* belt = find_signal(rec, "Resp");
  const auto* pacer = find_signal(rec, "Pacer");
  const double d0 = std::max(0.0, end / 2 - 45), d1 = std::min(end, d0 + 90);
  h += "<h2>Breathing and pacer</h2>\n";
  {
    std::vector<Series> whole, detail;
    if (belt) {
      whole.push_back(decimate(belt_percent(*belt, 0, end), 1800));
      detail.push_back(belt_percent(*belt, d0, d1));
    }
    if (pacer) {
      auto p = signal_series(*pacer, 0, end, "pacer", "pacer target", "#ff7f0e");
      p.dashed = true;
      whole.push_back(decimate(p, 1800));
      auto q = signal_series(*pacer, d0, d1, "pacer", "pacer target", "#ff7f0e");
      q.dashed = true;
      detail.push_back(q);
    }
    ChartSpec a{"chart-breathing-detail", "Breathing against the pacer (90 s detail)", "time (s)",
                "% of breath", 920, 260, -5.0, 105.0, inhale_bands(rec, d0, d1)};
    h += svg_line_chart(a, detail) + "\n";
    ChartSpec b{"chart-breathing", "Breathing against the pacer (whole session)", "time (s)", "% of breath",
                920, 220, -5.0, 105.0, {}};
    h += svg_line_chart(b, whole) + "\n";
  }
  h += "<h2>Heart rate and RSA</h2>\n";
  {
    Series hr_detail;
    hr_detail.css_class = "hr";
    hr_detail.label = "heart rate (beats/min)";
    hr_detail.color = "#d62728";
    const auto v = hr_series(beats, d0, d1, 4.0);
    for (std::size_t i = 0; i < v.size(); ++i) {
      hr_detail.x.push_back(d0 + static_cast<double>(i) / 4.0);
      hr_detail.y.push_back(v[i]);
    }
    ChartSpec a{"chart-hr-rsa", "Heart rate with its RSA waves (shaded: pacer inhalations)", "time (s)",
                "beats/min", 920, 260, std::nullopt, std::nullopt, inhale_bands(rec, d0, d1)};
    h += svg_line_chart(a, {hr_detail}) + "\n";
    Series hr_all = hr_detail;
    hr_all.x.clear();
    hr_all.y.clear();
    const auto w = hr_series(beats, 0, end, 1.0);
    for (std::size_t i = 0; i < w.size(); ++i) {
      hr_all.x.push_back(static_cast<double>(i));
      hr_all.y.push_back(w[i]);
    }
    ChartSpec b{"chart-hr", "Heart rate (whole session)", "time (s)", "beats/min", 920, 220, std::nullopt,
                std::nullopt, {}};
    h += svg_line_chart(b, {hr_all}) + "\n";
  }
  h += "<h2>HRV before and after</h2>\n";
  {
    const double edge = std::min(120.0, end / 2);
    const WindowStats first = analyze_window(rec, beats, 0, edge);
    const WindowStats last = analyze_window(rec, beats, end - edge, end);
    ChartSpec spec{"chart-hrv", "First and last " + std::to_string(static_cast<int>(edge)) + " s of the session",
                   "", "", 920, 240, std::nullopt, std::nullopt, {}};
    h += svg_bar_chart(spec, {"first", "last"}, {"#9aa9b8", "#2ca02c"},
                       {{"RMSSD (ms)", {first.rmssd_ms, last.rmssd_ms}},
                        {"SDNN (ms)", {first.sdnn_ms, last.sdnn_ms}},
                        {"mean HR (beats/min)", {first.mean_hr_bpm, last.mean_hr_bpm}},
                        {"RSA p2t (beats/min)", {first.p2t_bpm, last.p2t_bpm}}}) +
         "\n";
  }
  if (in.assessment) {
    h += "<h2>Resonance-frequency assessment</h2>\n";
    h += "<p>Recommended rate: <b>" + fmt(in.assessment->recommended_bpm, 1, "breaths/min") +
         "</b>, confidence " + fmt(in.assessment->confidence, 2) + "</p>\n";
    h += "<table id=\"assessment\"><tr><th>rate</th><th>valid</th><th>breathing</th><th>artifacts</th>"
         "<th>phase</th><th>HR p2t</th><th>LF power</th><th>LF peak</th><th>smoothness</th><th>LF peaks</th>"
         "<th>score</th></tr>";
    nlohmann::json steps = nlohmann::json::parse(in.assessment->steps_json, nullptr, false);
    if (steps.is_array())
      for (auto const& s : steps) {
        auto num = [&](char const* key) -> std::optional<double> {
          if (s.contains(key) && s[key].is_number()) return s[key].get<double>();
          return std::nullopt;
        };
        const bool valid = s.value("valid", false);
        const bool best = in.assessment->recommended_bpm && num("rate_bpm") &&
                          std::abs(*num("rate_bpm") - *in.assessment->recommended_bpm) < 1e-6;
        h += std::string("<tr") + (best ? " class=\"best\"" : "") + "><td class=\"num\">" + fmt(num("rate_bpm"), 1) +
             "</td><td" + (valid ? "" : " class=\"rejected\"") + ">" +
             (valid ? "yes" : "no: " + html_escape(s.value("reason", std::string()))) + "</td><td class=\"num\">" +
             fmt(num("breathing_bpm"), 2) + "</td><td class=\"num\">" + fmt(num("artifact_pct"), 1, "%") +
             "</td><td class=\"num\">" + fmt(num("phase_deg"), 0, "&deg;") + "</td><td class=\"num\">" +
             fmt(num("p2t_bpm"), 1) + "</td><td class=\"num\">" + fmt(num("lf_ms2"), 0) + "</td><td class=\"num\">" +
             fmt(num("lf_peak_ms2_hz"), 0) + "</td><td class=\"num\">" + fmt(num("smoothness"), 2) +
             "</td><td class=\"num\">" + fmt(num("lf_peaks"), 0) + "</td><td class=\"num\">" + fmt(num("score"), 2) +
             "</td></tr>";
      }
    h += "</table>\n<p class=\"note\">Criteria in Shaffer &amp; Meehan's (2020) order: HR in phase with breathing, "
         "largest HR peak-to-trough, highest LF power, highest LF peak, smoothest HR curve, fewest LF peaks. "
         "The weighting is Pneuma's (see docs).</p>\n";
  }
  h += "<h2>Methods</h2>\n<p class=\"note\">Beats are the strap's RR intervals (EDF+ \"R\" annotations); beats more "
       "than 35&nbsp;% from the local median, or short-long spikes, are flagged and left out of HRV. RMSSD and SDNN after the Task Force "
       "(1996); LF power from the RR series interpolated at 4 Hz (Hann periodogram, 0.04&ndash;0.15 Hz); coherence "
       "ratio after McCraty (2022); breathing rate from the belt's spectral peak.</p>\n";
  h += "</body></html>\n";
  return h;
}

} // namespace pneuma::app
