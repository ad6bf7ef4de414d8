# Tests that fail because of a real defect not fixed yet on this branch. Each is disabled by name,
# so every ctest run lists it under "The following tests did not run" (Disabled), never as a
# pass; remove its line with the fix. Read by ctest after the discovered tests (tests/CMakeLists.txt).
set(pneuma_known_defects
  # live/headless + ble: with the mock BlueZ, a headless `--source ble:ADDRESS` session of 6 s never
  # reaches the strap's "connected to ..." streaming status (the window's start-screen path to the
  # same mock does); the headless line is therefore not printed. Not yet found why.
  "headless: says once which strap it connected to"
)
foreach(name IN LISTS pneuma_known_defects)
  set_tests_properties("${name}" PROPERTIES DISABLED TRUE)
endforeach()
