#include "report/report_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pneuma::app {
namespace {

constexpr int kLeft = 62, kRight = 16, kTop = 34, kBottom = 42;

std::string fmt(double v, int decimals = 1) {
  if (std::abs(v) < 0.5 * std::pow(10.0, -decimals)) v = 0; // no "-0"
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// Round tick step for a range (1, 2, 5 x 10^k).
double tick_step(double span, int target) {
  if (!(span > 0)) return 1;
  const double raw = span / target;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

int decimals_for(double step) { return step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step))); }

} // namespace

std::string html_escape(std::string const& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

Series decimate(Series const& s, std::size_t n) {
  if (s.x.size() <= n || n < 4) return s;
  Series out = s;
  out.x.clear();
  out.y.clear();
  const std::size_t buckets = n / 2;
  const double per = static_cast<double>(s.x.size()) / static_cast<double>(buckets);
  for (std::size_t b = 0; b < buckets; ++b) {
    const auto from = static_cast<std::size_t>(b * per);
    const auto to = std::min(s.x.size(), static_cast<std::size_t>((b + 1) * per));
    if (from >= to) continue;
    std::size_t lo = from, hi = from;
    for (std::size_t i = from; i < to; ++i) {
      if (s.y[i] < s.y[lo]) lo = i;
      if (s.y[i] > s.y[hi]) hi = i;
    }
    for (std::size_t i : {std::min(lo, hi), std::max(lo, hi)}) {
      out.x.push_back(s.x[i]);
      out.y.push_back(s.y[i]);
      if (lo == hi) break;
    }
  }
  return out;
}

std::string svg_line_chart(ChartSpec const& spec, std::vector<Series> const& series) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (auto const& s : series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]);
      y1 = std::max(y1, s.y[i]);
    }
  std::string svg = "<figure class=\"chart\" id=\"" + html_escape(spec.id) + "\"><figcaption>" +
                    html_escape(spec.title) + "</figcaption>";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(spec.width) + " " +
         std::to_string(spec.height) + "\" width=\"" + std::to_string(spec.width) + "\" height=\"" +
         std::to_string(spec.height) + "\" role=\"img\" aria-label=\"" + html_escape(spec.title) + "\">";
  if (x1 == x0) { // one x (e.g. a single week): centre it rather than say there is nothing
    x0 -= 1;
    x1 += 1;
  }
  if (!(x1 > x0)) {
    svg += "<text x=\"" + std::to_string(spec.width / 2) + "\" y=\"" + std::to_string(spec.height / 2) +
           "\" text-anchor=\"middle\" class=\"nodata\">no data</text></svg></figure>";
    return svg;
  }
  if (spec.y_min) y0 = *spec.y_min;
  if (spec.y_max) y1 = *spec.y_max;
  if (!(y1 > y0)) {
    y0 -= 1;
    y1 += 1;
  } else if (!spec.y_min && !spec.y_max) {
    const double pad = 0.05 * (y1 - y0);
    y0 -= pad;
    y1 += pad;
  }
  const double pw = spec.width - kLeft - kRight, ph = spec.height - kTop - kBottom;
  auto X = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * pw; };
  auto Y = [&](double y) { return kTop + (1 - (std::clamp(y, y0, y1) - y0) / (y1 - y0)) * ph; };
  for (auto const& [a, b] : spec.bands) {
    const double ba = std::max(a, x0), bb = std::min(b, x1);
    if (bb <= ba) continue;
    svg += "<rect class=\"band\" x=\"" + fmt(X(ba)) + "\" y=\"" + fmt(kTop) + "\" width=\"" +
           fmt(X(bb) - X(ba)) + "\" height=\"" + fmt(ph) + "\" fill=\"#eef4fb\"/>";
  }
  // Grid and ticks.
  const double xs = tick_step(x1 - x0, 8), ys = tick_step(y1 - y0, 5);
  svg += "<g class=\"axis\" font-size=\"11\" fill=\"#444\">";
  for (double v = std::ceil(y0 / ys) * ys; v <= y1 + 1e-9; v += ys) {
    svg += "<line x1=\"" + fmt(kLeft) + "\" x2=\"" + fmt(kLeft + pw) + "\" y1=\"" + fmt(Y(v)) + "\" y2=\"" +
           fmt(Y(v)) + "\" stroke=\"#ddd\"/>";
    svg += "<text x=\"" + fmt(kLeft - 6) + "\" y=\"" + fmt(Y(v) + 4) + "\" text-anchor=\"end\">" +
           fmt(v, decimals_for(ys)) + "</text>";
  }
  auto x_tick = [&](double v, std::string const& label) {
    svg += "<line x1=\"" + fmt(X(v)) + "\" x2=\"" + fmt(X(v)) + "\" y1=\"" + fmt(kTop) + "\" y2=\"" +
           fmt(kTop + ph) + "\" stroke=\"#eee\"/>";
    svg += "<text class=\"xtick\" x=\"" + fmt(X(v)) + "\" y=\"" + fmt(kTop + ph + 15) +
           "\" text-anchor=\"middle\">" + html_escape(label) + "</text>";
  };
  if (!spec.x_ticks.empty()) {
    // Labelled ticks, thinned to about 12 so dates do not overlap.
    const std::size_t every = (spec.x_ticks.size() + 11) / 12;
    for (std::size_t i = 0; i < spec.x_ticks.size(); i += every) x_tick(spec.x_ticks[i].first, spec.x_ticks[i].second);
  } else {
    for (double v = std::ceil(x0 / xs) * xs; v <= x1 + 1e-9; v += xs) x_tick(v, fmt(v, decimals_for(xs)));
  }
  svg += "<rect x=\"" + fmt(kLeft) + "\" y=\"" + fmt(kTop) + "\" width=\"" + fmt(pw) + "\" height=\"" +
         fmt(ph) + "\" fill=\"none\" stroke=\"#999\"/>";
  svg += "<text x=\"" + fmt(kLeft + pw / 2) + "\" y=\"" + fmt(spec.height - 6) +
         "\" text-anchor=\"middle\">" + html_escape(spec.x_label) + "</text>";
  svg += "<text transform=\"translate(14," + fmt(kTop + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         html_escape(spec.y_label) + "</text></g>";
  // Series.
  double legend_x = kLeft;
  for (auto const& s : series) {
    std::string pts;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      pts += fmt(X(s.x[i])) + "," + fmt(Y(s.y[i])) + " ";
    }
    if (s.gaps) {
      // One path; each run of finite points is its own stretch (M starts one after a gap).
      std::string d;
      bool pen = false;
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
          pen = false;
          continue;
        }
        d += (pen ? "L" : "M") + fmt(X(s.x[i])) + "," + fmt(Y(s.y[i])) + " ";
        pen = true;
      }
      svg += "<path class=\"series " + html_escape(s.css_class) + "\" fill=\"none\" stroke=\"" + s.color +
             "\" stroke-width=\"1.6\"" + (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + " d=\"" + d + "\"/>";
    } else {
      svg += "<polyline class=\"series " + html_escape(s.css_class) + "\" fill=\"none\" stroke=\"" + s.color +
             "\" stroke-width=\"1.6\"" + (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + pts + "\"/>";
    }
    if (s.points)
      for (std::size_t i = 0; i < s.x.size(); ++i)
        if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
          svg += "<circle class=\"point " + html_escape(s.css_class) + "\" cx=\"" + fmt(X(s.x[i])) + "\" cy=\"" +
                 fmt(Y(s.y[i])) + "\" r=\"3\" fill=\"" + s.color + "\"/>";
    svg += "<g class=\"legend\" font-size=\"12\"><rect x=\"" + fmt(legend_x) + "\" y=\"10\" width=\"14\" height=\"4\" fill=\"" +
           s.color + "\"/><text x=\"" + fmt(legend_x + 18) + "\" y=\"16\">" + html_escape(s.label) + "</text></g>";
    legend_x += 30 + 7.0 * static_cast<double>(s.label.size());
  }
  svg += "</svg></figure>";
  return svg;
}

std::string svg_bar_chart(ChartSpec const& spec, std::vector<std::string> const& series_names,
                          std::vector<std::string> const& colors, std::vector<BarGroup> const& groups) {
  std::string svg = "<figure class=\"chart\" id=\"" + html_escape(spec.id) + "\"><figcaption>" +
                    html_escape(spec.title) + "</figcaption>";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(spec.width) + " " +
         std::to_string(spec.height) + "\" width=\"" + std::to_string(spec.width) + "\" height=\"" +
         std::to_string(spec.height) + "\" role=\"img\">";
  const double pw = spec.width - kLeft - kRight, ph = spec.height - kTop - kBottom;
  const double gw = pw / std::max<std::size_t>(1, groups.size());
  const double bw = gw * 0.7 / std::max<std::size_t>(1, series_names.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    double top = 0;
    for (auto const& v : groups[g].values)
      if (v) top = std::max(top, *v);
    top = top > 0 ? top * 1.15 : 1;
    for (std::size_t k = 0; k < groups[g].values.size() && k < series_names.size(); ++k) {
      auto const& v = groups[g].values[k];
      const double x = kLeft + g * gw + gw * 0.15 + k * bw;
      const double h = v ? *v / top * ph : 0;
      svg += "<rect class=\"bar\" x=\"" + fmt(x) + "\" y=\"" + fmt(kTop + ph - h) + "\" width=\"" + fmt(bw - 4) +
             "\" height=\"" + fmt(h) + "\" fill=\"" + colors[k % colors.size()] + "\"/>";
      svg += "<text x=\"" + fmt(x + (bw - 4) / 2) + "\" y=\"" + fmt(kTop + ph - h - 4) +
             "\" text-anchor=\"middle\" font-size=\"12\">" + (v ? fmt(*v, *v < 10 ? 2 : 1) : "n/a") + "</text>";
    }
    svg += "<text x=\"" + fmt(kLeft + g * gw + gw / 2) + "\" y=\"" + fmt(kTop + ph + 16) +
           "\" text-anchor=\"middle\" font-size=\"12\">" + html_escape(groups[g].label) + "</text>";
  }
  svg += "<line x1=\"" + fmt(kLeft) + "\" x2=\"" + fmt(kLeft + pw) + "\" y1=\"" + fmt(kTop + ph) + "\" y2=\"" +
         fmt(kTop + ph) + "\" stroke=\"#999\"/>";
  double lx = kLeft;
  for (std::size_t k = 0; k < series_names.size(); ++k) {
    svg += "<g class=\"legend\" font-size=\"12\"><rect x=\"" + fmt(lx) + "\" y=\"8\" width=\"12\" height=\"10\" fill=\"" +
           colors[k % colors.size()] + "\"/><text x=\"" + fmt(lx + 16) + "\" y=\"17\">" +
           html_escape(series_names[k]) + "</text></g>";
    lx += 40 + 7.0 * static_cast<double>(series_names[k].size());
  }
  svg += "</svg></figure>";
  return svg;
}

} // namespace pneuma::app
