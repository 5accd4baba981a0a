# The common helpers every program uses (src/common).
add_executable(test_log ${CMAKE_CURRENT_LIST_DIR}/test_log.c)
target_link_libraries(test_log PRIVATE kcommon)
add_test(NAME unit_log COMMAND test_log)
set_tests_properties(unit_log PROPERTIES LABELS unit TIMEOUT 30)
