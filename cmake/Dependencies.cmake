# Every dependency comes from a Debian 12 package (scripts/setup.sh installs them).
# How each is found is documented in ../shared/docs/toolchain.md.
find_package(Threads REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(kissfft CONFIG REQUIRED COMPONENTS SHARED float)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(SDL2 REQUIRED CONFIG)
find_package(SDL2_ttf REQUIRED CONFIG)
find_package(sdbus-c++ REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Fontconfig REQUIRED)

# EDFlib ships no CMake config and no .pc file.
find_path(EDFLIB_INCLUDE_DIR edflib.h REQUIRED)
find_library(EDFLIB_LIBRARY NAMES edf REQUIRED)
if(NOT TARGET EDFlib::EDFlib)
  add_library(EDFlib::EDFlib UNKNOWN IMPORTED)
  set_target_properties(EDFlib::EDFlib PROPERTIES IMPORTED_LOCATION "${EDFLIB_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${EDFLIB_INCLUDE_DIR}")
endif()
