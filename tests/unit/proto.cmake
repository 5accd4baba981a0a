# Unit tests of libkproto (src/proto).
foreach(t test_proto_frame test_proto_keyfile test_proto_session)
  add_executable(${t} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${t}.c)
  target_link_libraries(${t} PRIVATE kproto Threads::Threads)
  add_test(NAME ${t} COMMAND ${t})
  set_tests_properties(${t} PROPERTIES LABELS "unit" TIMEOUT 60)
endforeach()
