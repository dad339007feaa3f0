# Sources of kernel/time (included by kernel/CMakeLists.txt).
