# Sources of kernel/sched (included by kernel/CMakeLists.txt).
target_sources(cairn_kernel PRIVATE
  sched/src/mutex.cpp
  sched/src/scheduler.cpp
  sched/src/sync.cpp
  sched/src/threads.cpp
  sched/src/timer_queue.cpp
  sched/src/timers.cpp
  sched/src/wait_queue.cpp)
