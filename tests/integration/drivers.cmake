# Boot tests for drivers (included by CMakeLists.txt).
