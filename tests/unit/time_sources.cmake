# Sources of time under test: target_sources(cairn_unit_tests PRIVATE ...).
target_sources(cairn_unit_tests PRIVATE
  ${CAIRN_ROOT}/kernel/time/src/calibration.cpp
  ${CAIRN_ROOT}/kernel/time/src/rtc_date.cpp
  ${CAIRN_ROOT}/kernel/time/src/tsc_scale.cpp)
