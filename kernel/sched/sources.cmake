# Sources of kernel/sched (included by kernel/CMakeLists.txt).
