#pragma once
// Inline SVG charts for the HTML report and history page: no scripts, no external assets, so the
// file prints and opens anywhere. Each chart is <figure class="chart" id=...> holding one <svg>
// with axes, a light grid, one <polyline class="series ..."> per series and a legend.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pneuma::app {

struct Series {
  std::vector<double> x, y;
  std::string css_class; ///< e.g. "belt", "pacer", "hr"
  std::string label;     ///< legend text
  std::string color = "#1f77b4";
  bool dashed = false;
  bool points = false;   ///< draw markers (sparse data, trends)
  bool gaps = false;     ///< a non-finite y breaks the line (a missing week) instead of being skipped
};

struct ChartSpec {
  std::string id, title, x_label, y_label;
  int width = 920, height = 260;
  std::optional<double> y_min, y_max;
  std::vector<std::pair<double, double>> bands; ///< shaded x ranges (e.g. inhalations)
  std::vector<std::pair<double, std::string>> x_ticks{}; ///< labelled x ticks (e.g. dates); empty: numbers
};

std::string svg_line_chart(ChartSpec const& spec, std::vector<Series> const& series);

struct BarGroup {
  std::string label;                 ///< category, e.g. "RMSSD (ms)"
  std::vector<std::optional<double>> values; ///< one per bar series
};
/// Grouped bars: `series_names` name the bars in each group (e.g. "first 2 min", "last 2 min").
std::string svg_bar_chart(ChartSpec const& spec, std::vector<std::string> const& series_names,
                          std::vector<std::string> const& colors, std::vector<BarGroup> const& groups);

/// HTML-escapes text.
std::string html_escape(std::string const& text);

/// At most `n` points, keeping each bucket's min and max (the shape of fast signals survives).
Series decimate(Series const& s, std::size_t n);

} // namespace pneuma::app
