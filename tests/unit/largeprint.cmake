# Large print tests (src/largeprint): Unifont from Debian's unifont package, fixtures
# written by the test into its own directory.
add_executable(test_largeprint ${CMAKE_CURRENT_LIST_DIR}/test_largeprint.c)
target_include_directories(test_largeprint PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_largeprint PRIVATE klargeprint)
foreach(t unifont_cjk sizes bundled missing_font corrupt_font fallback_char wrap wrap_numbers themes
    themes_drawn)
  add_test(NAME largeprint_${t}
    COMMAND test_largeprint ${t} ${CMAKE_CURRENT_BINARY_DIR}/largeprint-${t})
  set_tests_properties(largeprint_${t} PROPERTIES LABELS "unit" TIMEOUT 30)
endforeach()

# Every text of the shipped layouts wraps whole in large print at 80x24 and 132x43.
add_executable(test_large_fit ${CMAKE_CURRENT_LIST_DIR}/test_large_fit.c
  ${CMAKE_CURRENT_LIST_DIR}/services_init.c)
target_include_directories(test_large_fit PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_large_fit PRIVATE kiosk_core kconfig klargeprint)
add_test(NAME largeprint_layouts_fit COMMAND test_large_fit ${CMAKE_SOURCE_DIR})
set_tests_properties(largeprint_layouts_fit PROPERTIES LABELS "unit" TIMEOUT 60)
