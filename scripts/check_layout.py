#!/usr/bin/env python3
"""Checks that the source tree keeps the architecture docs/architecture.md draws.

  * every #include "room/..." in src/ follows the rooms' DAG below (the same arrows as the
    target_link_libraries in src/CMakeLists.txt), and no include cycle exists anywhere,
    between modules (a module is NAME.hpp with its NAME.cpp);
  * dsp/ and drivers/ never include each other (nor anything of src/);
  * SDL only under src/ui, EDFlib only under src/record (and the drivers' file reader),
    SQLite only under src/store, Asio only in drivers/ and in src/live (the io thread's owner);
  * no folder under src/ holds more than 20 files;
  * src/ builds no live DSP of its own: no dsp:: detector, beat timeline, corrector or analyzer
    (RPeakDetector, RrTimeline, ArtifactCorrector, RespAnalyzer, SpectralRateEstimator, ...) is
    a member or constructed there; it wires dsp::HeartStream / dsp::BreathingStream instead.

Exit 0 and "layout: ok" when all hold; otherwise one line per violation and exit 1.
Usage: scripts/check_layout.py [REPO_ROOT]
"""
import os
import re
import sys

# room -> rooms it may include (directly). Keep in step with src/CMakeLists.txt.
ROOMS = {
    "settings": set(),
    "pacer": set(),
    "live": {"pacer"},
    "analysis": set(),
    "record": {"pacer", "analysis"},
    "store": set(),
    "session": {"settings", "live", "record", "store", "analysis", "pacer"},
    "report": {"settings", "session", "store", "analysis", "pacer", "live", "record"},
    "view": {"settings", "session", "live", "pacer"},
    "ui": {"settings", "view", "session", "live", "pacer"},
    "cli": {"settings", "ui", "view", "report", "session", "live", "record", "store", "analysis", "pacer"},
}
MAX_FILES_PER_FOLDER = 20
# Live DSP blocks that only dsp/'s stream blocks (heart_stream, breathing_stream) may own.
DSP_BLOCKS = ("RPeakDetector", "RrTimeline", "ArtifactCorrector", "RespAnalyzer", "SpectralRateEstimator",
              "BeatSeriesResampler", "BeatOutlierGate", "BeatRateTracker", "CoherenceTracker", "HrvWindows",
              "RsaTracker")
# `dsp::X name`, `dsp::X name{`, `dsp::X(`, `dsp::X{`, `std::optional<dsp::X>` ... outside comments
# and references (`dsp::X const&` reads a block the streams own; that is allowed).
DSP_BLOCK_USE = re.compile(r"\bdsp::(" + "|".join(DSP_BLOCKS) + r")\b(?!\s*(const\s*)?[&*])")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
SOURCE_EXT = (".hpp", ".cpp", ".h", ".cc")


def sources(root, top):
    for d, _, files in os.walk(os.path.join(root, top)):
        for f in files:
            if f.endswith(SOURCE_EXT):
                yield os.path.join(d, f)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    problems = []
    graph = {}  # file -> files it includes (project files only)

    def rel(p):
        return os.path.relpath(p, root)

    def resolve(inc, src_file):
        for base in (os.path.join(root, "src"), os.path.join(root, "dsp", "include"),
                     os.path.join(root, "drivers", "include"), os.path.dirname(src_file),
                     os.path.join(root, "drivers", "src")):
            cand = os.path.normpath(os.path.join(base, inc))
            if os.path.isfile(cand):
                return cand
        return None

    for top in ("src", "dsp", "drivers"):
        for f in sources(root, top):
            text = open(f, encoding="utf-8", errors="replace").read()
            incs = INCLUDE.findall(text)
            graph[f] = [r for r in (resolve(i, f) for i in incs) if r]
            r = rel(f)
            parts = r.split(os.sep)
            for inc in incs:
                if top == "dsp" and (inc.startswith("pneuma/drivers/") or inc.split("/")[0] in ROOMS):
                    problems.append(f"{r}: dsp/ includes {inc}")
                if top == "drivers" and (inc.startswith("pneuma/dsp/") or inc.split("/")[0] in ROOMS):
                    problems.append(f"{r}: drivers/ includes {inc}")
                if inc.startswith("SDL") and not r.startswith(os.path.join("src", "ui")):
                    problems.append(f"{r}: SDL outside src/ui ({inc})")
                if inc == "edflib.h" and not (r.startswith(os.path.join("src", "record")) or top == "drivers"):
                    problems.append(f"{r}: EDFlib outside src/record ({inc})")
                if inc == "sqlite3.h" and not r.startswith(os.path.join("src", "store")):
                    problems.append(f"{r}: SQLite outside src/store ({inc})")
                if inc.startswith("boost/asio") and top == "src" and parts[1] != "live":
                    problems.append(f"{r}: Asio outside drivers/ and src/live ({inc})")
            if top == "src":
                for n, line in enumerate(text.splitlines(), 1):
                    code = line.split("//", 1)[0]
                    m = DSP_BLOCK_USE.search(code)
                    if m:
                        problems.append(f"{r}:{n}: src/ builds its own dsp::{m.group(1)} "
                                        "(wire dsp::HeartStream / dsp::BreathingStream instead)")
            for inc in incs:
                if top == "src":
                    room, target = parts[1], inc.split("/")[0]
                    if room not in ROOMS:
                        problems.append(f"{r}: src/{room} is not a known room (add it to ROOMS and docs/architecture.md)")
                    elif target in ROOMS and target != room and target not in ROOMS[room]:
                        problems.append(f"{r}: src/{room} may not include {inc} (arrow {room} -> {target} is not in the DAG)")

    # Module-level include cycles (iterative DFS): x.hpp and x.cpp are one module.
    def module(p):
        return os.path.splitext(p)[0]
    modules = {}
    for f, incs in graph.items():
        modules.setdefault(module(f), set()).update(module(i) for i in incs if module(i) != module(f))
    graph = {m: sorted(v) for m, v in modules.items()}
    state = {}
    for start in graph:
        if state.get(start):
            continue
        stack = [(start, iter(graph.get(start, [])))]
        path = [start]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            s = state.get(nxt, 0)
            if s == 1:
                cyc = path[path.index(nxt):] + [nxt]
                problems.append("include cycle: " + " -> ".join(rel(c) for c in cyc))
            elif s == 0:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(graph.get(nxt, []))))

    for d, _, files in os.walk(os.path.join(root, "src")):
        n = len([f for f in files if not f.startswith(".")])
        if n > MAX_FILES_PER_FOLDER:
            problems.append(f"{rel(d)}: {n} files (a room of more than {MAX_FILES_PER_FOLDER} splits)")

    for p in sorted(set(problems)):
        print(p)
    if problems:
        return 1
    print("layout: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
