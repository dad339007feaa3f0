// The kernel scheduler through its own API (cairn/sched): switching, blocking, timed
// waits, sleeping, extended-state preservation and stack guards. The first argument
// says which; tests/integration/threads.cmake boots it once per mode and scheduler.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <cairn/config.h>
#include <cairn/sched/sync.h>
#include <cairn/sched/thread.h>
#include <cairn/time/clock.h>

namespace {

using namespace cairn;
using sched::Thread;

Thread* spawn(sched::ThreadEntry entry, void* argument, const char* name = "worker") {
  sched::ThreadAttributes attributes;
  attributes.name = name;
  auto thread = sched::create_thread(entry, argument, attributes);
  if (!thread) {
    std::printf("create_thread failed: %s\n", thread.error().message());
    std::exit(1);
  }
  return thread.value();
}

void join(Thread* thread) {
  if (!sched::join_thread(thread)) {
    std::printf("join failed\n");
    std::exit(1);
  }
}

// Two threads take turns through yield(): each must see the other's step in between
// (strictly only under the cooperative scheduler: a time slice may end between steps).
int yield_test() {
  static int turn, errors;
  auto body = [](void* arg) {
    int me = static_cast<int>(reinterpret_cast<std::intptr_t>(arg));
    for (int i = 0; i < 1000; ++i) {
      if (turn % 2 != me) ++errors;
      ++turn;
      sched::yield();
    }
  };
  Thread* a = spawn(body, reinterpret_cast<void*>(0));
  Thread* b = spawn(body, reinterpret_cast<void*>(1));
  join(a);
  join(b);
#ifdef CONFIG_SCHED_PREEMPT
  errors = 0;
#endif
  std::printf("yield: %d turns, %d out of order\n", turn, errors);
  return errors == 0 && turn == 2000 ? 0 : 1;
}

// Many threads, one mutex, a yield inside the critical section to force contention.
int mutex_test() {
  static sched::Mutex mutex;
  static long counter;
  static int overlap;
  static bool inside;
  auto body = [](void*) {
    for (int i = 0; i < 200; ++i) {
      mutex.lock();
      if (inside) ++overlap;
      inside = true;
      long seen = counter;
      if (i % 7 == 0) sched::yield();
      counter = seen + 1;
      inside = false;
      mutex.unlock();
    }
  };
  Thread* threads[32];
  for (auto& t : threads) t = spawn(body, nullptr);
  for (auto* t : threads) join(t);
  sched::Mutex recursive(sched::MutexKind::kRecursive), checked(sched::MutexKind::kErrorCheck);
  int r1 = recursive.lock(), r2 = recursive.lock(), r3 = recursive.unlock(),
      r4 = recursive.unlock();
  int r5 = recursive.unlock();
  int c1 = checked.lock(), c2 = checked.lock(), c3 = checked.unlock();
  std::printf("mutex: counter=%ld overlap=%d recursive=%d,%d,%d,%d,%s errorcheck=%d,%s,%d\n",
              counter, overlap, r1, r2, r3, r4, r5 == EPERM ? "EPERM" : "?", c1,
              c2 == EDEADLK ? "EDEADLK" : "?", c3);
  return counter == 32 * 200 && overlap == 0 && r5 == EPERM && c2 == EDEADLK ? 0 : 1;
}

// A bounded buffer: producers and consumers on two condition variables.
int condvar_test() {
  static sched::Mutex mutex;
  static sched::CondVar not_full, not_empty;
  static int buffer[8], head, count;
  static long consumed_sum;
  constexpr int kItems = 2000;
  auto producer = [](void*) {
    for (int i = 1; i <= kItems; ++i) {
      mutex.lock();
      while (count == 8) not_full.wait(mutex);
      buffer[(head + count++) % 8] = i;
      not_empty.signal();
      mutex.unlock();
    }
  };
  auto consumer = [](void*) {
    for (int i = 1; i <= kItems; ++i) {
      mutex.lock();
      while (count == 0) not_empty.wait(mutex);
      consumed_sum += buffer[head];
      head = (head + 1) % 8;
      --count;
      not_full.signal();
      mutex.unlock();
    }
  };
  Thread* threads[] = {spawn(producer, nullptr), spawn(producer, nullptr), spawn(consumer, nullptr),
                       spawn(consumer, nullptr)};
  for (auto* t : threads) join(t);
  long expected = 2L * kItems * (kItems + 1) / 2;
  std::printf("condvar: sum=%ld expected=%ld\n", consumed_sum, expected);
  return consumed_sum == expected ? 0 : 1;
}

// Timed waits end by their deadline, not before; a semaphore post wakes a waiter.
int timeout_test() {
  sched::Semaphore semaphore;
  std::uint64_t start = time::monotonic_ns();
  int r = semaphore.wait(start + 50'000'000);
  std::uint64_t waited = time::monotonic_ns() - start;
  static sched::Semaphore ready;
  auto poster = [](void*) {
    sched::sleep_for(20'000'000);
    ready.post();
  };
  Thread* t = spawn(poster, nullptr);
  std::uint64_t start2 = time::monotonic_ns();
  int r2 = ready.wait(start2 + 2'000'000'000);
  std::uint64_t waited2 = time::monotonic_ns() - start2;
  join(t);
  sched::Mutex mutex;
  sched::CondVar cv;
  mutex.lock();
  std::uint64_t start3 = time::monotonic_ns();
  int r3 = cv.wait(mutex, start3 + 30'000'000);
  std::uint64_t waited3 = time::monotonic_ns() - start3;
  bool relocked = mutex.held_by_current_thread();
  mutex.unlock();
  std::printf(
      "timeout: semaphore %s after %llu ms; posted after %llu ms (%d); condvar %s after %llu ms, "
      "relocked=%d\n",
      r == ETIMEDOUT ? "ETIMEDOUT" : "?", (unsigned long long)(waited / 1000000),
      (unsigned long long)(waited2 / 1000000), r2, r3 == ETIMEDOUT ? "ETIMEDOUT" : "?",
      (unsigned long long)(waited3 / 1000000), relocked);
  return r == ETIMEDOUT && waited >= 50'000'000 && r2 == 0 && waited2 >= 20'000'000 &&
                 waited2 < 1'000'000'000 && r3 == ETIMEDOUT && waited3 >= 30'000'000 && relocked
             ? 0
             : 1;
}

// 100 ms sleeps measured on the monotonic clock, beside a thread that never blocks.
int sleep_test() {
  static volatile bool stop;
  static volatile std::uint64_t spins;
  auto spinner = [](void*) {
    while (!stop) spins = spins + 1;
  };
  // The spinner starts when main first sleeps, and never blocks: each wake-up must
  // take the CPU from it (under both schedulers).
  Thread* t = spawn(spinner, nullptr, "spinner");
  std::uint64_t worst = 0;
  for (int i = 0; i < 5; ++i) {
    std::uint64_t start = time::monotonic_ns();
    sched::sleep_for(100'000'000);
    std::uint64_t slept = time::monotonic_ns() - start;
    if (slept < 100'000'000) {
      std::printf("sleep: woke early after %llu ns\n", (unsigned long long)slept);
      return 1;
    }
    if (slept - 100'000'000 > worst) worst = slept - 100'000'000;
  }
  stop = true;
  join(t);
  std::printf("sleep: 5 x 100 ms beside a spinning thread, worst late by %llu us, spinner ran=%d\n",
              (unsigned long long)(worst / 1000), spins > 0);
  // The target is 2 ms under TCG (make bench measures it); a test must also pass on a
  // host busy with other tests, so it only catches wake-ups gone badly wrong.
  return worst < 50'000'000 && spins > 0 ? 0 : 1;
}

// SSE state survives switches: each thread keeps values in vector registers across
// yields and, for the threads that never yield, across preemption by the time slice
// (CONFIG_SCHED_PREEMPT) and across interrupts.
int fpu_test() {
  static int bad;
  auto body = [](void* arg) {
    auto index = reinterpret_cast<std::intptr_t>(arg);
    bool yields = index % 2 == 0;
    double seed = static_cast<double>(index);
    volatile double sink;
    for (int round = 0; round < 200; ++round) {
      double a = seed, b = seed * 2, c = seed * 3, d = seed * 4;
      for (int i = 0; i < 2000; ++i) {
        a = a * 1.0000001 + 1;
        b = b * 1.0000001 + 1;
        c = c * 1.0000001 + 1;
        d = d * 1.0000001 + 1;
        if (yields && i % 500 == 0) sched::yield();
      }
      double ea = seed, eb = seed * 2, ec = seed * 3, ed = seed * 4;
      for (int i = 0; i < 2000; ++i) {
        ea = ea * 1.0000001 + 1;
        eb = eb * 1.0000001 + 1;
        ec = ec * 1.0000001 + 1;
        ed = ed * 1.0000001 + 1;
      }
      if (a != ea || b != eb || c != ec || d != ed) ++bad;
      sink = a + b + c + d;
    }
    (void)sink;
  };
  Thread* threads[4];
  for (int i = 0; i < 4; ++i)
    threads[i] = spawn(body, reinterpret_cast<void*>(std::intptr_t{i + 1}));
  for (auto* t : threads) join(t);
  std::printf("fpu: %d mismatches, %llu switches\n", bad,
              (unsigned long long)sched::scheduler_stats().context_switches);
  return bad == 0 ? 0 : 1;
}

// Creating, joining and detaching many threads leaks nothing.
int lifecycle_test() {
  static int ran;
  auto body = [](void*) { ++ran; };
  for (int i = 0; i < 500; ++i) join(spawn(body, nullptr));
  for (int i = 0; i < 100; ++i) (void)sched::detach_thread(spawn(body, nullptr));
  for (int i = 0; i < 1000 && ran < 600; ++i) sched::sleep_for(1'000'000);
  sched::sleep_for(1'000'000);  // the last one to run is freed after its last switch
  sched::SchedulerStats stats = sched::scheduler_stats();
  Thread* self = sched::current_thread();
  bool self_join = !sched::join_thread(self) && sched::join_thread(self).error().code() == EDEADLK;
  std::printf("lifecycle: ran=%d created=%llu alive=%llu self-join=%s\n", ran,
              (unsigned long long)stats.threads_created, (unsigned long long)stats.threads_alive,
              self_join ? "EDEADLK" : "?");
  return ran == 600 && stats.threads_alive == 0 && self_join ? 0 : 1;
}

// A guest with nothing to do halts: boot_test.py measures the host CPU it costs.
int idle_test() {
  std::uint64_t start = time::monotonic_ns();
  sched::sleep_for(3'000'000'000);
  std::uint64_t slept = time::monotonic_ns() - start;
  std::printf("idle: slept %llu ms, %llu halts\n", (unsigned long long)(slept / 1000000),
              (unsigned long long)sched::scheduler_stats().idle_halts);
  return slept >= 3'000'000'000 ? 0 : 1;
}

// Two threads each wait for a mutex the other holds, and main joins them: nothing can
// ever run again, and the VM must end with a report instead of halting forever.
int deadlock_test() {
  static sched::Mutex a, b;
  static sched::Semaphore both_locked;
  auto first = [](void*) {
    a.lock();
    both_locked.post();
    sched::yield();
    b.lock();
  };
  auto second = [](void*) {
    b.lock();
    both_locked.post();
    sched::yield();
    a.lock();
  };
  Thread* t1 = spawn(first, nullptr, "first");
  Thread* t2 = spawn(second, nullptr, "second");
  join(t1);
  join(t2);
  return 1;
}

[[gnu::noinline]] int recurse(int depth) {
  volatile char frame[256];
  frame[0] = static_cast<char>(depth);
  return recurse(depth + 1) + frame[0];
}

int overflow_test() {
  auto body = [](void*) { recurse(0); };
  join(spawn(body, nullptr, "deep"));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  struct {
    const char* name;
    int (*run)();
  } modes[] = {{"yield", yield_test},         {"mutex", mutex_test},
               {"condvar", condvar_test},     {"timeout", timeout_test},
               {"sleep", sleep_test},         {"fpu", fpu_test},
               {"lifecycle", lifecycle_test}, {"overflow", overflow_test},
               {"idle", idle_test},           {"deadlock", deadlock_test}};
  for (auto& m : modes)
    if (!std::strcmp(mode, m.name)) return m.run();
  std::printf("unknown mode '%s'\n", mode);
  return 2;
}
