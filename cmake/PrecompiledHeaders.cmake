# pneuma_precompile(target [EXTRA headers...]): precompiles the heavy library headers a target's
# sources include anyway (Boost.Asio through the drivers' API, nlohmann-json, the standard library),
# so each of its files parses them once per build instead of once per file. Parsing them is about
# a quarter to a half of a file's compile time here (-fsyntax-only: 3.8 s of a test file's 13.7 s,
# 7.8 s of cmd_assess.cpp's 15.3 s).
# PNEUMA_PCH=OFF turns it off (e.g. to check that every file includes what it uses).
option(PNEUMA_PCH "Precompile the heavy library headers" ON)

set(pneuma_pch_common
  <algorithm> <chrono> <cmath> <cstdint> <filesystem> <fstream> <functional> <map> <memory>
  <optional> <sstream> <string> <string_view> <vector>
  <nlohmann/json.hpp>
  <boost/asio/any_io_executor.hpp> <boost/asio/io_context.hpp> <boost/asio/post.hpp>
  <boost/asio/steady_timer.hpp>)

function(pneuma_precompile target)
  if(PNEUMA_PCH)
    target_precompile_headers(${target} PRIVATE ${pneuma_pch_common} ${ARGN})
  endif()
endfunction()
