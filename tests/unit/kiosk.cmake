# The kiosk's state machine, driven directly against a real kiosk-bankd.
add_executable(test_state ${CMAKE_CURRENT_LIST_DIR}/test_state.c
  ${CMAKE_CURRENT_LIST_DIR}/kiosk_rig.c ${CMAKE_CURRENT_LIST_DIR}/services_init.c)
target_link_libraries(test_state PRIVATE kiosk_core)
add_test(NAME unit_state COMMAND test_state $<TARGET_FILE:kiosk-bankd> ${CMAKE_SOURCE_DIR})
set_tests_properties(unit_state PROPERTIES LABELS unit TIMEOUT 120)

# Nothing silent: every state and notice in every language is heard as it is shown, with
# the real speech engine and the trace as the transcript.
add_executable(test_silent ${CMAKE_CURRENT_LIST_DIR}/test_silent.c
  ${CMAKE_CURRENT_LIST_DIR}/silent_check.c ${CMAKE_CURRENT_LIST_DIR}/kiosk_rig.c
  ${CMAKE_CURRENT_LIST_DIR}/services_init.c)
target_link_libraries(test_silent PRIVATE kiosk_core)
add_test(NAME unit_silent COMMAND test_silent $<TARGET_FILE:kiosk-bankd> ${CMAKE_SOURCE_DIR})
set_tests_properties(unit_silent PROPERTIES LABELS unit TIMEOUT 300)

# kioskctl preview: the kiosk's own model, renderers and speech on sample values.
if(TARGET kioskctl)
  foreach(c menu large wav speech unknown bad_args service)
    add_test(NAME kioskctl_preview_${c}
      COMMAND ${CMAKE_COMMAND} -DKIOSKCTL=$<TARGET_FILE:kioskctl> -DCASE=${c}
        -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
        -DFIXTURES=${CMAKE_CURRENT_LIST_DIR}/data/preview
        -DWORK=${CMAKE_CURRENT_BINARY_DIR}/kioskctl-preview-${c}
        -P ${CMAKE_CURRENT_LIST_DIR}/data/preview/preview.cmake)
    set_tests_properties(kioskctl_preview_${c} PROPERTIES LABELS "unit" TIMEOUT 60)
  endforeach()
endif()

# The fraud rules: the large-transaction alert, the anti-fraud warning, the cooling-off.
add_executable(test_fraud ${CMAKE_CURRENT_LIST_DIR}/test_fraud.c)
target_link_libraries(test_fraud PRIVATE kiosk_core)
add_test(NAME unit_fraud COMMAND test_fraud)
set_tests_properties(unit_fraud PROPERTIES LABELS unit TIMEOUT 60)
