// The C++ side: thread_local, the header-only locks of the standard library (they go
// through libstdc++'s gthr-posix.h to pthreads) and function-local statics raced by
// threads.
#include <mutex>
#include <shared_mutex>

#include "threads_test.h"

namespace {

thread_local int tl_value = 99;         // from the template (.tdata)
thread_local unsigned long tl_zero[8];  // zero (.tbss)

void* cxx_tls_worker(void* argument) {
  int id = static_cast<int>(reinterpret_cast<intptr_t>(argument));
  THREAD_CHECK(tl_value == 99);
  for (unsigned long v : tl_zero) THREAD_CHECK(v == 0);
  tl_value = id;
  tl_zero[id % 8] = id;
  for (int i = 0; i < 10; ++i) {
    sched_yield();
    THREAD_CHECK(tl_value == id && tl_zero[id % 8] == static_cast<unsigned long>(id));
  }
  return nullptr;
}

// std::mutex and std::lock_guard / std::unique_lock; std::recursive_mutex; the
// reader-writer std::shared_mutex.
std::mutex counter_mutex;
std::recursive_mutex recursive;
std::shared_mutex shared;
long counter;
int readers_inside;
bool writer_inside;

void* cxx_mutex_worker(void* argument) {
  int id = static_cast<int>(reinterpret_cast<intptr_t>(argument));
  for (int i = 0; i < 300; ++i) {
    {
      std::lock_guard<std::mutex> guard(counter_mutex);
      long value = counter;
      if (i % 10 == 0) sched_yield();
      counter = value + 1;
    }
    {
      std::lock_guard<std::recursive_mutex> outer(recursive);
      std::unique_lock<std::recursive_mutex> inner(recursive);
      THREAD_CHECK(inner.owns_lock());
    }
    if (id % 4 == 0) {
      std::unique_lock<std::shared_mutex> write(shared);
      writer_inside = true;
      THREAD_CHECK(readers_inside == 0);
      sched_yield();
      writer_inside = false;
    } else {
      std::shared_lock<std::shared_mutex> read(shared);
      __atomic_add_fetch(&readers_inside, 1, __ATOMIC_RELAXED);
      THREAD_CHECK(!writer_inside);
      sched_yield();
      __atomic_sub_fetch(&readers_inside, 1, __ATOMIC_RELAXED);
    }
  }
  return nullptr;
}

// A function-local static whose constructor takes its time: every thread that gets
// there must wait for the one constructing it, and it is constructed once.
int constructions;

struct Slow {
  int value;
  Slow() : value(0) {
    ++constructions;
    for (int i = 0; i < 20; ++i) sched_yield();  // let the others arrive
    value = 4242;
  }
};

Slow& slow_instance() {
  static Slow instance;
  return instance;
}

void* cxx_static_worker(void*) {
  THREAD_CHECK(slow_instance().value == 4242);
  return nullptr;
}

}  // namespace

extern "C" int test_cxx_tls(void) {
  tl_value = -5;
  if (run_threads(16, cxx_tls_worker)) return 1;
  CHECK(tl_value == -5);
  printf("cxx-tls: thread_local values distinct, template and zero ok\n");
  return 0;
}

extern "C" int test_cxx_mutex(void) {
  if (run_threads(16, cxx_mutex_worker)) return 1;
  CHECK(counter == 16 * 300);
  CHECK(counter_mutex.try_lock());
  counter_mutex.unlock();
  printf("cxx-mutex: counter=%ld (std::mutex, recursive_mutex, shared_mutex)\n", counter);
  return 0;
}

extern "C" int test_cxx_static_init(void) {
  if (run_threads(16, cxx_static_worker)) return 1;
  CHECK(constructions == 1);
  printf("cxx-static-init: constructed %d time, value %d\n", constructions, slow_instance().value);
  return 0;
}
