# Boot tests for threads (included by CMakeLists.txt).
