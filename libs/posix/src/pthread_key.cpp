// Thread-specific data and pthread_once.
//
// A key is an index into a global table; each thread's values live in an array of
// PTHREAD_KEYS_MAX slots, allocated when the thread first sets a value. Each key
// carries a generation, odd while the key exists: a slot counts only if it was set
// under the key's current generation, so pthread_key_delete() need not visit every
// thread, and a re-created key starts out NULL everywhere.
#include <errno.h>
#include <stdlib.h>

#include "pthread_internal.h"

namespace cairn::posix {

namespace {

struct Key {
  std::uint64_t generation;  // odd: in use
  void (*destructor)(void*);
};

Key keys[PTHREAD_KEYS_MAX];
sched::Mutex keys_lock;  // key creation and deletion

bool in_use(std::uint64_t generation) { return generation & 1; }

KeySlot* slots(Pthread* self) {
  if (!self->keys) self->keys = static_cast<KeySlot*>(calloc(PTHREAD_KEYS_MAX, sizeof(KeySlot)));
  return self->keys;
}

}  // namespace

// POSIX: destructors run for each non-NULL value of a live key, repeatedly while they
// leave new values behind, at most PTHREAD_DESTRUCTOR_ITERATIONS rounds.
void release_keys(Pthread* self) {
  if (!self->keys) return;
  for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; ++round) {
    bool ran = false;
    for (int k = 0; k < PTHREAD_KEYS_MAX; ++k) {
      KeySlot& slot = self->keys[k];
      void (*destructor)(void*) = keys[k].destructor;
      if (!slot.value || slot.generation != keys[k].generation || !destructor) continue;
      void* value = slot.value;
      slot.value = nullptr;
      destructor(value);
      ran = true;
    }
    if (!ran) break;
  }
  free(self->keys);
  self->keys = nullptr;
}

}  // namespace cairn::posix

using namespace cairn;
using namespace cairn::posix;

extern "C" {

int pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
  // Destructors run from the exit hook.
  install_exit_hook();
  keys_lock.lock();
  for (unsigned k = 0; k < PTHREAD_KEYS_MAX; ++k) {
    if (in_use(keys[k].generation)) continue;
    keys[k].destructor = destructor;
    ++keys[k].generation;
    keys_lock.unlock();
    *key = k;
    return 0;
  }
  keys_lock.unlock();
  return EAGAIN;
}

int pthread_key_delete(pthread_key_t key) {
  if (key >= PTHREAD_KEYS_MAX) return EINVAL;
  keys_lock.lock();
  int result = EINVAL;
  if (in_use(keys[key].generation)) {
    ++keys[key].generation;
    keys[key].destructor = nullptr;
    result = 0;
  }
  keys_lock.unlock();
  return result;
}

void* pthread_getspecific(pthread_key_t key) {
  if (key >= PTHREAD_KEYS_MAX) return nullptr;
  Pthread* self = current();
  if (!self->keys || self->keys[key].generation != keys[key].generation) return nullptr;
  return self->keys[key].value;
}

int pthread_setspecific(pthread_key_t key, const void* value) {
  if (key >= PTHREAD_KEYS_MAX || !in_use(keys[key].generation)) return EINVAL;
  KeySlot* own = slots(current());
  if (!own) return ENOMEM;
  own[key].generation = keys[key].generation;
  own[key].value = const_cast<void*>(value);
  return 0;
}

int pthread_once(pthread_once_t* once, void (*init)(void)) {
  sched::Once& o = as_once(once);
  if (o.done()) return 0;
  o.call([](void* function) { reinterpret_cast<void (*)(void)>(function)(); },
         reinterpret_cast<void*>(init));
  return 0;
}

}  // extern "C"
