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

# test_bankd_fleet: kiosks registered by key, and two adapters on one PostgreSQL
# database ("keys", on the shared test server); the fleet under load with an adapter
# killed and a PostgreSQL server of its own crashed ("load", label fleet).
add_executable(test_bankd_fleet ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_bankd_fleet.c
  ${CMAKE_CURRENT_SOURCE_DIR}/unit/fleet_rig.c)
target_link_libraries(test_bankd_fleet PRIVATE bankd_objs)
add_dependencies(test_bankd_fleet kiosk-bankd)
add_test(NAME test_bankd_fleet COMMAND test_bankd_fleet keys $<TARGET_FILE:kiosk-bankd>
  ${KIOSK_PG_CONNINFO})
set_tests_properties(test_bankd_fleet PROPERTIES LABELS "unit;pg" TIMEOUT 120
  FIXTURES_REQUIRED pg)
add_test(NAME test_bankd_fleet_load COMMAND test_bankd_fleet load
  $<TARGET_FILE:kiosk-bankd> ${CMAKE_SOURCE_DIR}/tests/pg/pg-server)
# It keeps both cores busy by design: alone, so that no other test's deadlines feel it.
set_tests_properties(test_bankd_fleet_load PROPERTIES LABELS "fleet;pg" TIMEOUT 240
  RUN_SERIAL ON)

# test_bankd_diskfull: a PostgreSQL server of its own on a small tmpfs filled to the last
# byte under withdrawals; it mounts in a mount namespace of its own, so needs root
# (skipped, 77, without).
add_executable(test_bankd_diskfull ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_bankd_diskfull.c
  ${CMAKE_CURRENT_SOURCE_DIR}/unit/fleet_rig.c)
target_link_libraries(test_bankd_diskfull PRIVATE bankd_objs)
add_dependencies(test_bankd_diskfull kiosk-bankd)
add_test(NAME test_bankd_diskfull COMMAND test_bankd_diskfull $<TARGET_FILE:kiosk-bankd>
  ${CMAKE_SOURCE_DIR}/tests/pg/pg-server)
set_tests_properties(test_bankd_diskfull PROPERTIES LABELS "unit;pg" TIMEOUT 180
  SKIP_RETURN_CODE 77)
