#pragma once
// Starts the trainer as a detached child: `pneuma run ARGS...` in its own session (setsid), so
// closing or stopping the watch never stops a session in progress. stdin and stdout go to
// /dev/null (the run's summary line is not the watch's output); stderr is shared, so a run that
// cannot start says why where the watch's own messages go. Children are reaped by `reap()`.

#include <string>
#include <sys/types.h>
#include <vector>

namespace pneuma::watch {

/// This program's own executable (/proc/self/exe), so the child is the same pneuma.
std::string self_executable();

/// Spawns `program args...`; returns the child's pid, or -1 with `why` set.
pid_t launch_detached(std::string const& program, std::vector<std::string> const& args, std::string& why);

/// Collects children that have ended (never waits); returns how many.
int reap_children() noexcept;

} // namespace pneuma::watch
