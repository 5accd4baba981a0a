# Unit tests of libkproto (src/proto).
foreach(t test_proto_frame test_proto_keyfile test_proto_session)
  add_executable(${t} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${t}.c)
  target_link_libraries(${t} PRIVATE kproto Threads::Threads)
  add_test(NAME ${t} COMMAND ${t})
  set_tests_properties(${t} PROPERTIES LABELS "unit" TIMEOUT 60)
endforeach()

# libkproto against the test vectors; gen-vectors rewrites them (built, never run by
# the tests: cmake --build BUILD --target gen-vectors && BUILD/bin/gen-vectors
# tests/vectors).
add_executable(test_proto_vectors ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_proto_vectors.c)
target_link_libraries(test_proto_vectors PRIVATE kproto)
add_test(NAME test_proto_vectors
  COMMAND test_proto_vectors ${CMAKE_CURRENT_SOURCE_DIR}/vectors)
set_tests_properties(test_proto_vectors PROPERTIES LABELS "unit" TIMEOUT 60)
add_executable(gen-vectors ${CMAKE_CURRENT_SOURCE_DIR}/vectors/gen_vectors.c)
target_link_libraries(gen-vectors PRIVATE PkgConfig::SODIUM)
