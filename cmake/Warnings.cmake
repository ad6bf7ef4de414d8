# pneuma_set_warnings(target): the project's warning set; errors when PNEUMA_WERROR is on (CI).
function(pneuma_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  # GCC 12 at -O3 warns -Wrestrict inside libstdc++'s own std::string operator+ and assign
  # (GCC bug 105329, a false positive fixed in GCC 13): it would only be noise in a Release build.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(PNEUMA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
