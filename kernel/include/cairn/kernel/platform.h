// What the kernel needs from the platform it runs on (platform/kvm, later Xen). The
// platform implements these; the kernel calls them.
#pragma once

namespace cairn::platform {

// Ends the VM. `status` is the application's exit status (or kCrashStatus). Where the
// hypervisor can carry a status (QEMU isa-debug-exit) it does; otherwise the VM powers
// off or resets. Never returns.
[[noreturn]] void power_off(int status);

}  // namespace cairn::platform
