# The electronic journal (src/journal), and `kioskctl journal verify` on the files the
# test damages.
add_executable(test_journal ${CMAKE_CURRENT_LIST_DIR}/test_journal.c)
target_link_libraries(test_journal PRIVATE kjournal)
add_dependencies(test_journal kioskctl)
add_test(NAME unit_journal COMMAND test_journal $<TARGET_FILE:kioskctl>)
set_tests_properties(unit_journal PROPERTIES LABELS unit TIMEOUT 60)
