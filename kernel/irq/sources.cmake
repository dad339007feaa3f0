# Sources of kernel/irq (included by kernel/CMakeLists.txt).
target_sources(cairn_kernel PRIVATE
  irq/src/controllers.cpp
  irq/src/dispatch.cpp
  irq/src/io_apic.cpp
  irq/src/isa_routing.cpp
  irq/src/local_apic.cpp
  irq/src/pic.cpp
  irq/src/routing.cpp
  irq/src/timer.cpp
  irq/src/timer_math.cpp
  irq/src/vector_table.cpp)
