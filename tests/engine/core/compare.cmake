# tests/engine/core/compare.cmake -- the Knot DNS comparison test: the
# answer_pipe executable (the packet core behind stdin/stdout) and
# knot_compare.py, which runs the same queries against knotd and the core.
# Included by tests/engine/core/CMakeLists.txt.
hadns_executable(answer_pipe
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/answer_pipe.cc
  LIBS hadns_core hadns_zone hadns_config hadns_live)
add_test(NAME knot_compare
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/knot_compare.py
          --answer-pipe $<TARGET_FILE:answer_pipe> --knotd /usr/sbin/knotd)
set_tests_properties(knot_compare PROPERTIES LABELS e2e TIMEOUT 180)
