# Runs the kioskctl binary's check on a scratch copy of the shipped configuration whose
# voice files are replaced by broken ones (broken-voice/voice), and compares its exit
# status and output with broken-voice.expected.
#   -DKIOSKCTL=path -DSOURCE_DIR=repo -DFIXTURES=this dir -DWORK=dir
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
# The check opens the ALSA device: one that always opens, whatever this machine has.
set(ENV{ALSA_CONFIG_PATH} ${FIXTURES}/alsa-null.conf)
file(COPY ${SOURCE_DIR}/kiosk.yaml ${SOURCE_DIR}/layouts DESTINATION ${WORK})
file(MAKE_DIRECTORY ${WORK}/voice)
foreach(f zh.yaml en.yaml)
  file(READ ${FIXTURES}/broken-voice/voice/${f} content)
  file(WRITE ${WORK}/voice/${f} "${content}")
endforeach()
include(${CMAKE_CURRENT_LIST_DIR}/deployed.cmake)
make_keys()
file(READ ${FIXTURES}/broken-voice.expected want_err)

execute_process(COMMAND ${KIOSKCTL} check kiosk.yaml WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(failed 0)
if(NOT rc STREQUAL "1")
  message(SEND_ERROR "exit status ${rc}, expected 1")
  set(failed 1)
endif()
if(NOT out STREQUAL "")
  message(SEND_ERROR "stdout:\n${out}\nexpected nothing")
  set(failed 1)
endif()
if(NOT err STREQUAL want_err)
  message(SEND_ERROR "stderr:\n${err}\nexpected:\n${want_err}")
  set(failed 1)
endif()
if(NOT failed)
  file(REMOVE_RECURSE ${WORK})
endif()
