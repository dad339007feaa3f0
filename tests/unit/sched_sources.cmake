# Sources of the scheduler under test.
target_sources(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/kernel/sched/src/timer_queue.cpp)
