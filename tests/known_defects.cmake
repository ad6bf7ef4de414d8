# Tests that fail because of a real defect not fixed yet on this branch. Each is disabled by name,
# so every ctest run lists it under "The following tests did not run" (Disabled), never as a
# pass; remove its line with the fix. Read by ctest after the discovered tests (tests/CMakeLists.txt).
set(pneuma_known_defects
  "resp accuracy: MARSH spontaneous breathing over a larger slow swing"
)
foreach(name IN LISTS pneuma_known_defects)
  set_tests_properties("${name}" PROPERTIES DISABLED TRUE)
endforeach()
