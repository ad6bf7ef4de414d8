#pragma once
// The report as PDF: the same HTML page printed by headless Chromium (its print styles make the
// A4 pages: the patient's page, then the clinician's). Chromium, not a second renderer: the
// charts, fonts and page breaks are the HTML report's own, so the two can never disagree, and
// Chromium works offline on a file:// page. It is a large program, so the package only
// suggests it: without it the HTML report still works and --pdf says what to install.

#include <filesystem>
#include <string>

namespace pneuma::app {

/// The Chromium binary on PATH ("chromium", else "chromium-browser", "google-chrome"); empty when none.
std::string find_chromium();

/// Prints `html` to `pdf` (A4, no header or footer). Network off, a throwaway profile. Throws
/// std::runtime_error with one line (no Chromium, it failed, or it wrote nothing).
void print_pdf(std::filesystem::path const& html, std::filesystem::path const& pdf);

} // namespace pneuma::app
