// Boot-time measurement (CONFIG_BOOT_TIME): TSC stamps at the PVH entry's first
// instruction, on entering main and on leaving it, printed when the VM ends as
//   cairn: boot-time entry-to-main-us=… main-us=… tsc-hz=… tsc-source=…
// so benchmarks can read them. The TSC frequency is only looked up (or calibrated)
// while printing, after main: measuring never slows the boot it measures.
#pragma once

namespace cairn {

void boot_time_mark_main_start();
void boot_time_mark_main_end();
// Prints the line above if CONFIG_BOOT_TIME is set; called by shutdown().
void boot_time_report();

}  // namespace cairn
