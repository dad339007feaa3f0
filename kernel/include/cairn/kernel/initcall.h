// Components start themselves: CAIRN_INITCALL(level, fn) puts fn in a linker-section
// table that the kernel runs in level order during boot. Selecting a component in
// Kconfig links it, and linking it is all it takes for it to start.
#pragma once

namespace cairn {

struct Initcall {
  int level;
  void (*fn)();
  const char* name;
};

// Runs, in level order, every initcall up to and including `last_level` that has not
// run yet. Called by the kernel during boot.
void run_initcalls(int last_level);

}  // namespace cairn

// Levels, in the order they run. Within a level the order is unspecified.
#define CAIRN_INITCALL_LEVEL_console 1   // consoles: output works after this level
#define CAIRN_INITCALL_LEVEL_arch 2      // CPU and interrupt controllers
#define CAIRN_INITCALL_LEVEL_platform 3  // firmware tables, platform devices
#define CAIRN_INITCALL_LEVEL_core 4      // memory, time, scheduling
#define CAIRN_INITCALL_LEVEL_bus 5       // bus enumeration
#define CAIRN_INITCALL_LEVEL_driver 6    // device drivers
#define CAIRN_INITCALL_LEVEL_fs 7        // filesystems and mounts
#define CAIRN_INITCALL_LEVEL_net 8       // network stacks and interfaces
#define CAIRN_INITCALL_LEVEL_late 9      // everything else, last before main

#define CAIRN_INITCALL_SECTION_(n) ".cairn.initcall." #n
#define CAIRN_INITCALL_SECTION(n) CAIRN_INITCALL_SECTION_(n)
#define CAIRN_INITCALL_CAT_(a, b) a##b
#define CAIRN_INITCALL_CAT(a, b) CAIRN_INITCALL_CAT_(a, b)

#define CAIRN_INITCALL(level, function)                                                        \
  [[gnu::used, gnu::aligned(8),                                                                \
    gnu::section(                                                                              \
        CAIRN_INITCALL_SECTION(CAIRN_INITCALL_LEVEL_##level))]] static const ::cairn::Initcall \
  CAIRN_INITCALL_CAT(cairn_initcall_, function) = {CAIRN_INITCALL_LEVEL_##level, function,     \
                                                   #function}

// Table entries are placed back to back by the linker and walked as an array; GCC
// would otherwise align 24-byte objects to 16 and leave gaps (hence aligned(8)).
