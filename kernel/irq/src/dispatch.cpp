// Vector ownership and the dispatcher the interrupt entry calls for vectors >= 32.
// Nothing that arrives here is fatal: unknown vectors are counted and acknowledged.
#include <cairn/irq/irq.h>
#include <cairn/kernel/console.h>

#include "interrupt_guard.h"
#include "local_apic.h"
#include "pic.h"
#include "timer.h"
#include "vector_table.h"

namespace cairn::irq {
namespace {

VectorTable vectors;
std::uint64_t counts[256];
std::uint64_t spurious;
std::uint64_t unexpected;
unsigned depth;  // per CPU once there is more than one
bool apic_error_reported;

void handle_apic_error() {
  std::uint32_t status = lapic::take_error_status();
  if (!apic_error_reported) {
    apic_error_reported = true;
    kwarn("local APIC error, status 0x%x (reported once)", status);
  }
}

// A vector nobody owns may still have come from the APIC (then it is in service and
// wants an EOI) or from an `int` instruction (then an EOI would end some other
// interrupt's service early).
void handle_unexpected(std::uint8_t vector) {
  ++unexpected;
  if (lapic::in_service(vector)) lapic::send_eoi();
}

}  // namespace

Result<std::uint8_t> allocate_vector(Handler handler, void* context, const char* name) {
  InterruptGuard guard;
  return vectors.allocate(handler, context, name);
}

int device_vectors_in_use() { return vectors.in_use(); }

void release_vector(std::uint8_t vector) {
  InterruptGuard guard;
  vectors.release(vector);
}

void dispatch(std::uint8_t vector) {
  ++depth;
  ++counts[vector];
  if (vector == kSpuriousVector) {
    ++spurious;  // the APIC wants no EOI for it
  } else if (vector >= pic::kFirstVector && vector <= pic::kLastVector) {
    if (pic::acknowledge(vector))
      ++spurious;
    else
      ++unexpected;  // every PIC input is masked: nothing real should come this way
  } else if (vector == kTimerVector) {
    timer::on_interrupt();
    lapic::send_eoi();
  } else if (vector == kErrorVector) {
    handle_apic_error();
    lapic::send_eoi();
  } else if (const VectorTable::Entry* owner = vectors.find(vector)) {
    VectorTable::Entry entry = *owner;  // the handler may release its own vector
    entry.handler(entry.context);
    lapic::send_eoi();
  } else {
    handle_unexpected(vector);
  }
  --depth;
}

bool in_interrupt() { return depth != 0; }

std::uint64_t interrupt_count(std::uint8_t vector) { return counts[vector]; }
std::uint64_t spurious_count() { return spurious; }
std::uint64_t unexpected_count() { return unexpected; }

}  // namespace cairn::irq
