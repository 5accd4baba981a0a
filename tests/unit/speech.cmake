# Speech engine tests: real espeak-ng, WAV and null sinks (no sound card needed).
add_executable(test_speech ${CMAKE_CURRENT_LIST_DIR}/test_speech.c)
target_link_libraries(test_speech PRIVATE kspeech m)
foreach(t wav bargein replace trace errors alsa fail pause sentence rate volume progress idle)
  add_test(NAME speech_${t} COMMAND test_speech ${t} ${CMAKE_CURRENT_BINARY_DIR}/speech-${t})
  set_tests_properties(speech_${t} PROPERTIES LABELS "unit" TIMEOUT 60)
endforeach()
