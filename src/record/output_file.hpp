#pragma once
// Every file Pneuma writes for a user (an export, a report, a repaired copy) goes through here:
// the target is checked first (not a directory or a device, not one of the inputs, not an
// existing file unless the user said --force), the content is written to a temporary file beside
// it, synced, and renamed into place; without --force the rename refuses to replace a file that
// appeared meanwhile (renameat2 RENAME_NOREPLACE). A failure leaves no temporary file behind.

#include <filesystem>
#include <functional>
#include <ostream>
#include <vector>

namespace pneuma::app {

/// Throws std::invalid_argument with one line naming `target` and what is wrong.
void check_output_target(std::filesystem::path const& target, bool force,
                         std::vector<std::filesystem::path> const& inputs = {});

/// check_output_target(), then `write` into a temporary file, then the rename. Throws
/// std::runtime_error (disk full, permission) or what `write` throws; the target is then as it was.
void write_output_file(std::filesystem::path const& target, bool force,
                       std::vector<std::filesystem::path> const& inputs,
                       std::function<void(std::ostream&)> const& write);

} // namespace pneuma::app
