// kernel_boot(): from the platform's hand-over to main(). The order matters and this
// is the one place to read it:
//   CPU tables and features -> consoles -> memory and page tables -> TLS ->
//   command line -> the other initcalls -> the C library, constructors, main().
#include <cairn/arch/arch.h>
#include <cairn/arch/cpu_features.h>
#include <cairn/config.h>
#include <cairn/kernel/app.h>
#include <cairn/kernel/boot_info.h>
#include <cairn/kernel/cmdline.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/panic.h>
#include <cairn/kernel/param.h>
#include <cairn/sched/interrupt_exit.h>

extern "C" const cairn::Initcall __initcalls_start[], __initcalls_end[];
extern "C" const cairn::KernelParam __kernel_params_start[], __kernel_params_end[];

namespace cairn {

void init_stack_protector();  // cxx_runtime.cpp

namespace {

CommandLine command_line;
const Initcall* next_initcall = __initcalls_start;
const BootInfo* boot_info;

const KernelParam* find_param(std::string_view name) {
  for (const KernelParam* p = __kernel_params_start; p != __kernel_params_end; ++p)
    if (name == p->name) return p;
  return nullptr;
}

void apply_command_line(const BootInfo& info) {
  Result<void> parsed = command_line.parse(info.cmdline);
  if (!parsed)
    kwarn("kernel command line: %s (using what came before the error)", parsed.error().message());
  for (const KernelOption& option : command_line.options()) {
    const KernelParam* param = find_param(option.name);
    if (!param) {
      kwarn("unknown kernel option '%.*s' (ignored)", int(option.name.size()), option.name.data());
      continue;
    }
    Result<void> applied = param->set(option.value);
    if (!applied)
      kwarn("kernel option '%.*s': %s", int(option.name.size()), option.name.data(),
            applied.error().message());
  }
}

[[maybe_unused]] void log_boot(const BootInfo& info) {
  const arch::CpuFeatures& cpu = arch::cpu_features();
  kprintf("cairn: booted by %s; cpu %s%s%s%s%s%s%s%s\n", info.protocol, cpu.vendor,
          cpu.nx ? " nx" : "", cpu.xsave ? " xsave" : "", cpu.avx ? " avx" : "",
          cpu.avx512 ? " avx512" : "", cpu.x2apic ? " x2apic" : "", cpu.rdrand ? " rdrand" : "",
          cpu.invariant_tsc ? " invariant-tsc" : "");
  for (const MemoryRegion& r : info.memory())
    kprintf("cairn: memory 0x%016lx-0x%016lx type %u\n", static_cast<unsigned long>(r.base),
            static_cast<unsigned long>(r.end()), static_cast<unsigned>(r.kind));
  memory::print_stats();
  kprintf("cairn: command line: %s\n", info.cmdline);
}

}  // namespace

const CommandLine& kernel_command_line() { return command_line; }

std::span<const BootModule> boot_modules() {
  return boot_info ? boot_info->boot_modules() : std::span<const BootModule>{};
}

void run_initcalls(int last_level) {
  for (; next_initcall != __initcalls_end && next_initcall->level <= last_level; ++next_initcall)
    next_initcall->fn();
}

// Never returns, so it never checks a canary set before init_stack_protector() ran.
void kernel_boot(BootInfo& info) {
  boot_info = &info;
  arch::early_init();
  init_stack_protector();
  run_initcalls(CAIRN_INITCALL_LEVEL_console);
  if (info.error) panic("cannot boot: %s", info.error);
  memory::init(info);
  arch::init_paging(info);
  sched::init_boot_thread(arch::init_boot_tls());
#ifdef CONFIG_BOOT_LOG
  log_boot(info);
#endif
  apply_command_line(info);
  run_initcalls(CAIRN_INITCALL_LEVEL_late);
  cairn_libc_start(command_line.argc(), command_line.argv(cairn_app_name));
}

}  // namespace cairn
