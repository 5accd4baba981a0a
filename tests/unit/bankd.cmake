# Unit tests of kiosk-bankd (src/bankd): the ledger and the permission table link the
# adapter's objects and run on both backends, SQLite and the test PostgreSQL server
# (KIOSK_PG_CONNINFO, from the fixture "pg" in tests/CMakeLists.txt); test_bankd_serve
# runs the real binary.
foreach(t test_bankd_ledger test_bankd_session)
  add_executable(${t} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${t}.c)
  target_link_libraries(${t} PRIVATE bankd_objs)
  add_test(NAME ${t} COMMAND ${t} sqlite)
  set_tests_properties(${t} PROPERTIES LABELS "unit" TIMEOUT 120)
  add_test(NAME ${t}_pg COMMAND ${t} pg ${KIOSK_PG_CONNINFO}
    ${CMAKE_SOURCE_DIR}/tests/pg/pg-server)
  set_tests_properties(${t}_pg PROPERTIES LABELS "unit;pg" TIMEOUT 120
    FIXTURES_REQUIRED pg)
endforeach()

# test_bankd_serve drives the binary, and calls serve_peer_allowed and SQLite directly.
add_executable(test_bankd_serve ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_bankd_serve.c)
target_link_libraries(test_bankd_serve PRIVATE bankd_objs)
add_dependencies(test_bankd_serve kiosk-bankd)
add_test(NAME test_bankd_serve COMMAND test_bankd_serve $<TARGET_FILE:kiosk-bankd>)
set_tests_properties(test_bankd_serve PROPERTIES LABELS "unit" TIMEOUT 120)
