# Boot tests for time (included by CMakeLists.txt).
