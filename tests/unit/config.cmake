# Unit tests of kconfig (src/config) and of `kioskctl check` (src/ctl/check.c).
foreach(t test_config test_config_layout test_config_voice test_config_check)
  set(extra)
  set(libs)
  if(t STREQUAL "test_config_check")
    set(extra ${CMAKE_SOURCE_DIR}/src/ctl/check.c ${CMAKE_SOURCE_DIR}/src/ctl/check_speech.c
      ${CMAKE_SOURCE_DIR}/src/ctl/check_largeprint.c ${CMAKE_SOURCE_DIR}/src/ctl/check_fkeys.c
      ${CMAKE_SOURCE_DIR}/src/ctl/check_keynames.c
      ${CMAKE_SOURCE_DIR}/src/ctl/check_sign.c)
    set(libs klargeprint PkgConfig::ESPEAK PkgConfig::ALSA)
  endif()
  add_executable(${t} ${CMAKE_CURRENT_LIST_DIR}/${t}.c
    ${CMAKE_CURRENT_LIST_DIR}/test_config_util.c ${CMAKE_CURRENT_LIST_DIR}/services_init.c
    ${extra})
  target_include_directories(${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  target_compile_definitions(${t} PRIVATE KIOSK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_link_libraries(${t} PRIVATE kiosk_core kconfig ${libs})
  add_test(NAME ${t} COMMAND ${t})
  set_tests_properties(${t} PROPERTIES LABELS "unit" TIMEOUT 120)
endforeach()

# The real kioskctl binary on a broken configuration, on the shipped one, and on speech
# settings the kiosk would only find wrong when it starts, and on a missing large print font.
if(TARGET kioskctl)
  foreach(c broken ok fresh no_sound_card bad_voice wav_missing_dir lp_missing_font)
    add_test(NAME kioskctl_check_${c}
      COMMAND ${CMAKE_COMMAND} -DKIOSKCTL=$<TARGET_FILE:kioskctl> -DCASE=${c}
        -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
        -DFIXTURES=${CMAKE_CURRENT_LIST_DIR}/data/config
        -DWORK=${CMAKE_CURRENT_BINARY_DIR}/kioskctl-check-${c}
        -P ${CMAKE_CURRENT_LIST_DIR}/data/config/check.cmake)
    set_tests_properties(kioskctl_check_${c} PROPERTIES LABELS "unit" TIMEOUT 60)
  endforeach()
endif()

# The signed manifest of kiosk.yaml, layouts and voice files, and kioskctl sign and check.
add_executable(test_manifest ${CMAKE_CURRENT_LIST_DIR}/test_manifest.c
  ${CMAKE_CURRENT_LIST_DIR}/test_config_util.c ${CMAKE_CURRENT_LIST_DIR}/services_init.c)
target_include_directories(test_manifest PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(test_manifest PRIVATE KIOSK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(test_manifest PRIVATE kiosk_core kconfig)
add_dependencies(test_manifest kioskctl)
add_test(NAME unit_manifest COMMAND test_manifest $<TARGET_FILE:kioskctl>)
set_tests_properties(unit_manifest PROPERTIES LABELS unit TIMEOUT 60)
