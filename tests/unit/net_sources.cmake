# lwIP's port glue under test: header-only logic from libs/lwip/port (the mailbox,
# the timeout arithmetic). No lwIP sources: the glue does not need them.
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/libs/lwip/port)
