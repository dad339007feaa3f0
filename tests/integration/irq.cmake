# Boot tests for irq (included by CMakeLists.txt).
