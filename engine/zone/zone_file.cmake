# engine/zone/zone_file.cmake -- the zone file loader's sources and
# libraries, included by engine/zone/CMakeLists.txt into hadns_zone.
set(HADNS_ZONE_FILE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/zone_file.cc
  ${CMAKE_CURRENT_LIST_DIR}/zone_checks.cc
  ${CMAKE_CURRENT_LIST_DIR}/names.cc)
set(HADNS_ZONE_FILE_LIBS PkgConfig::zscanner PkgConfig::knot)
