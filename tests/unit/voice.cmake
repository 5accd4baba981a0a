# Voice files and spoken forms (src/config/voice.c), Latin runs in Chinese text
# (src/speech/runs.c) and the phonemes espeak-ng makes of every Mandarin prompt.
add_executable(test_voice_forms ${CMAKE_CURRENT_LIST_DIR}/test_voice_forms.c
  ${CMAKE_CURRENT_LIST_DIR}/test_config_util.c ${CMAKE_CURRENT_LIST_DIR}/services_init.c)
target_include_directories(test_voice_forms PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(test_voice_forms PRIVATE KIOSK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(test_voice_forms PRIVATE kiosk_core kconfig)
add_test(NAME test_voice_forms COMMAND test_voice_forms)
set_tests_properties(test_voice_forms PROPERTIES LABELS "unit" TIMEOUT 60)

add_executable(test_speech_runs ${CMAKE_CURRENT_LIST_DIR}/test_speech_runs.c)
target_include_directories(test_speech_runs PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_speech_runs PRIVATE kspeech)
add_test(NAME test_speech_runs COMMAND test_speech_runs)
set_tests_properties(test_speech_runs PROPERTIES LABELS "unit" TIMEOUT 30)

# The phonemes of every Mandarin prompt (tests/phonemes), with the voice of kiosk.yaml;
# then with the stock cmn voice, which the check must catch.
add_executable(test_phonemes ${CMAKE_SOURCE_DIR}/tests/phonemes/test_phonemes.c
  ${CMAKE_CURRENT_LIST_DIR}/test_config_util.c ${CMAKE_CURRENT_LIST_DIR}/services_init.c)
target_include_directories(test_phonemes PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(test_phonemes PRIVATE KIOSK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(test_phonemes PRIVATE kiosk_core kconfig kspeech)
add_test(NAME phonemes_mandarin COMMAND test_phonemes)
add_test(NAME phonemes_catch_cmn COMMAND test_phonemes --zh-voice cmn --expect-not-mandarin)
set_tests_properties(phonemes_mandarin phonemes_catch_cmn PROPERTIES
  LABELS "unit" TIMEOUT 120 SKIP_RETURN_CODE 77)

# `kioskctl check` names every problem of broken voice files before deployment.
if(TARGET kioskctl)
  add_test(NAME kioskctl_check_broken_voice
    COMMAND ${CMAKE_COMMAND} -DKIOSKCTL=$<TARGET_FILE:kioskctl>
      -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
      -DFIXTURES=${CMAKE_CURRENT_LIST_DIR}/data/config
      -DWORK=${CMAKE_CURRENT_BINARY_DIR}/kioskctl-check-broken-voice
      -P ${CMAKE_CURRENT_LIST_DIR}/data/config/check_voice.cmake)
  set_tests_properties(kioskctl_check_broken_voice PROPERTIES LABELS "unit" TIMEOUT 60)
endif()
