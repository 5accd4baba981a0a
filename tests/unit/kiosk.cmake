# The kiosk's state machine, driven directly against a real kiosk-bankd.
add_executable(test_state ${CMAKE_CURRENT_LIST_DIR}/test_state.c)
target_link_libraries(test_state PRIVATE kiosk_core)
add_test(NAME unit_state COMMAND test_state $<TARGET_FILE:kiosk-bankd> ${CMAKE_SOURCE_DIR})
set_tests_properties(unit_state PROPERTIES LABELS unit TIMEOUT 120)
