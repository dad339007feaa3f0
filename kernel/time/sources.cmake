# Sources of kernel/time (included by kernel/CMakeLists.txt).
target_sources(cairn_kernel PRIVATE
  time/src/calibration.cpp
  time/src/clock.cpp
  time/src/hpet.cpp
  time/src/kvmclock.cpp
  time/src/pit.cpp
  time/src/rtc.cpp
  time/src/rtc_date.cpp
  time/src/tsc_rate.cpp
  time/src/tsc_scale.cpp
  time/src/wall_clock.cpp)
