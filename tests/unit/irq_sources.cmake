# Sources of irq under test: target_sources(cairn_unit_tests PRIVATE ...).
target_sources(cairn_unit_tests PRIVATE
  ${CAIRN_ROOT}/platform/kvm/src/acpi_tables.cpp
  ${CAIRN_ROOT}/platform/kvm/src/madt.cpp
  ${CAIRN_ROOT}/platform/kvm/src/acpi_virtio_mmio.cpp
  ${CAIRN_ROOT}/kernel/irq/src/isa_routing.cpp
  ${CAIRN_ROOT}/kernel/irq/src/timer_math.cpp
  ${CAIRN_ROOT}/kernel/irq/src/vector_table.cpp)
