# What a deployed kiosk has beside kiosk.yaml, so that a check reports only a case's own
# problems: real keys in var/keys (the check reads them as the kiosk does) and var/run
# for the sockets. Included by the check scripts; needs KIOSKCTL and WORK.
macro(make_keys)
  file(MAKE_DIRECTORY ${WORK}/var/run)
  execute_process(COMMAND ${KIOSKCTL} keygen --dir var/keys WORKING_DIRECTORY ${WORK}
    RESULT_VARIABLE keygen_rc OUTPUT_QUIET)
  if(NOT keygen_rc EQUAL 0)
    message(FATAL_ERROR "kioskctl keygen failed: ${keygen_rc}")
  endif()
endmacro()
