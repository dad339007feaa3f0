# Sources of kernel/irq (included by kernel/CMakeLists.txt).
