# Runs the kioskctl binary's check on a scratch copy of a configuration and compares its
# exit status and output with what is expected.
#   -DKIOSKCTL=path
#   -DCASE=broken|ok|fresh|no_sound_card|bad_voice|wav_missing_dir|lp_missing_font
#   -DSOURCE_DIR=repo -DFIXTURES=this dir -DWORK=dir
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(COPY ${SOURCE_DIR}/kiosk.yaml ${SOURCE_DIR}/layouts ${SOURCE_DIR}/voice DESTINATION ${WORK})
# The check opens the ALSA device: give it one that always opens, unless the case says.
set(ENV{ALSA_CONFIG_PATH} ${FIXTURES}/alsa-null.conf)

# What the check prints for the shipped kiosk.yaml when all is well: large print against
# EN 301 549 5.1.4 for the screen kiosk.yaml declares, then the summary.
set(ok_out "large print: normal size: capital H 8.8 mm (assumed 0.7 of a 12.5 mm row), needs 6.1 mm at 500 mm: meets EN 301 549 5.1.4 (x1.4)
large print: size 1: capital H 68.8 mm, needs 6.1 mm at 500 mm: meets EN 301 549 5.1.4 (x11.3)
large print: size 2: capital H 137.5 mm, needs 6.1 mm at 500 mm: meets EN 301 549 5.1.4 (x22.5)
large print: size 3: capital H 206.2 mm, needs 6.1 mm at 500 mm: meets EN 301 549 5.1.4 (x33.8)
large print: theme white-on-black: contrast 21.0:1 (7:1 needed), 21.0:1 in the Linux console's colours
signature: unsigned mode, no IT public key at ${WORK}/it.pub: the kiosk starts without verifying these files (for a demo only)
kiosk.yaml: OK, 37 screens, 2 languages\n")

# Replaces old by new in the scratch kiosk.yaml; a fixture edit that misses is an error.
function(edit_kiosk_yaml old new)
  file(READ ${WORK}/kiosk.yaml content)
  string(FIND "${content}" "${old}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "kiosk.yaml has no \"${old}\" to replace")
  endif()
  string(REPLACE "${old}" "${new}" content "${content}")
  file(WRITE ${WORK}/kiosk.yaml "${content}")
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/deployed.cmake)

if(CASE STREQUAL "broken")
  # The broken kiosk.yaml and layouts replace the shipped ones; keys exist.
  # Overwrite file by file: file(COPY) skips a file whose timestamp matches, and in
  # a fresh clone every file has the same one.
  file(GLOB_RECURSE fixture_files RELATIVE ${FIXTURES}/broken ${FIXTURES}/broken/*)
  foreach(f ${fixture_files})
    file(READ ${FIXTURES}/broken/${f} content)
    file(WRITE ${WORK}/${f} "${content}")
  endforeach()
  make_keys()
  file(REMOVE ${WORK}/var/keys/kiosk.key)
  set(want_rc 1)
  file(READ ${FIXTURES}/broken.expected want_err)
  set(want_out "")
elseif(CASE STREQUAL "ok")
  make_keys()
  set(want_rc 0)
  set(want_err "")
  set(want_out "${ok_out}")
elseif(CASE STREQUAL "fresh")
  # As in a fresh checkout: no keys yet, and no var/ for the sockets, log and journal
  # (kioskctl demo makes them), which the kiosk would refuse too.
  set(want_rc 1)
  set(want_err "kiosk.yaml:15:15: adapter.public_key: file not found: var/keys/adapter.pub
kiosk.yaml:19:12: kiosk_key: file not found: var/keys/kiosk.key
kiosk.yaml:25:11: devices.socket: directory not found: var/run
kiosk.yaml:73:6: log: directory not found: var
kiosk.yaml:77:10: journal: directory not found: var\n")
  set(want_out "")
elseif(CASE STREQUAL "no_sound_card")
  # The shipped kiosk.yaml says alsa; a machine without a sound card still passes.
  make_keys()
  set(ENV{ALSA_CONFIG_PATH} ${FIXTURES}/alsa-no-card.conf)
  set(want_rc 0)
  set(want_err "kiosk.yaml:37:11: warning: audio.output: cannot open ALSA device \"default\": No such file or directory (ALSA: Unknown PCM default); the kiosk will run screen-only\n")
  set(want_out "${ok_out}")
elseif(CASE STREQUAL "bad_voice")
  # Voices espeak-ng lacks are errors; the missing sound card stays a warning.
  make_keys()
  edit_kiosk_yaml("voice: cmn-latn-pinyin" "voice: no-such-voice")
  edit_kiosk_yaml("voice: en-us" "voice: en-gb")
  set(ENV{ALSA_CONFIG_PATH} ${FIXTURES}/alsa-no-card.conf)
  set(want_rc 1)
  set(want_err "kiosk.yaml:37:11: warning: audio.output: cannot open ALSA device \"default\": No such file or directory (ALSA: Unknown PCM default); the kiosk will run screen-only
kiosk.yaml:42:16: speech.zh.voice: espeak-ng has no voice \"no-such-voice\" (voices for no: nb)
kiosk.yaml:43:16: speech.en.voice: espeak-ng has no voice \"en-gb\" (\"en-gb\" is a language; its voices: en, en-gb-x-gbclan, en-gb-x-rp, en-gb-x-gbcwmd)\n")
  set(want_out "")
elseif(CASE STREQUAL "wav_missing_dir")
  make_keys()
  edit_kiosk_yaml("output: alsa " "output: wav:no-such-dir/speech.wav ")
  set(want_rc 1)
  set(want_err "kiosk.yaml:37:11: audio.output: directory not found for the WAV file: no-such-dir\n")
  set(want_out "")
elseif(CASE STREQUAL "lp_missing_font")
  # The kiosk falls back to its bundled font: a warning, and the check passes.
  make_keys()
  edit_kiosk_yaml("font: /usr/share/unifont/unifont.hex" "font: fonts/unifont.hex")
  set(want_rc 0)
  set(want_err "kiosk.yaml:53:9: warning: large_print.font: fonts/unifont.hex: cannot open: No such file or directory; the kiosk will draw large print with its bundled font alone (ASCII and ¥; other characters at normal size)\n")
  set(want_out "${ok_out}")
else()
  message(FATAL_ERROR "unknown CASE ${CASE}")
endif()

# No IT public key: the signature is checked by its own test (test_manifest).
execute_process(COMMAND ${KIOSKCTL} check --it-key ${WORK}/it.pub kiosk.yaml
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(failed 0)
if(NOT rc STREQUAL want_rc)
  message(SEND_ERROR "exit status ${rc}, expected ${want_rc}")
  set(failed 1)
endif()
if(NOT out STREQUAL want_out)
  message(SEND_ERROR "stdout:\n${out}\nexpected:\n${want_out}")
  set(failed 1)
endif()
if(NOT err STREQUAL want_err)
  message(SEND_ERROR "stderr:\n${err}\nexpected:\n${want_err}")
  set(failed 1)
endif()
if(NOT failed)
  file(REMOVE_RECURSE ${WORK})
endif()
