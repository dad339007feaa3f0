// POSIX unnamed semaphores: sem_t is the scheduler's Semaphore. Errors go to errno
// (unlike the pthread_* calls, which return them).
#include <errno.h>
#include <semaphore.h>

#include <new>

#include "pthread_internal.h"

namespace {

using cairn::sched::Semaphore;

Semaphore& as_semaphore(sem_t* sem) { return *reinterpret_cast<Semaphore*>(sem); }

int result(int error) {
  if (error == 0) return 0;
  errno = error;
  return -1;
}

int timed_wait(sem_t* sem, clockid_t clock, const timespec* abstime) {
  // POSIX: a semaphore that can be taken at once is taken whatever the timeout says.
  if (as_semaphore(sem).try_wait() == 0) return 0;
  std::uint64_t deadline;
  if (int error = cairn::posix::deadline_from(clock, abstime, &deadline)) return result(error);
  return result(as_semaphore(sem).wait(deadline));
}

}  // namespace

extern "C" {

int sem_init(sem_t* sem, int, unsigned int value) {
  if (value > SEM_VALUE_MAX) return result(EINVAL);
  new (sem) Semaphore(value);
  return 0;
}

int sem_destroy(sem_t*) { return 0; }

int sem_wait(sem_t* sem) { return result(as_semaphore(sem).wait()); }

int sem_trywait(sem_t* sem) { return result(as_semaphore(sem).try_wait()); }

int sem_timedwait(sem_t* sem, const timespec* abstime) {
  return timed_wait(sem, CLOCK_REALTIME, abstime);
}

int sem_clockwait(sem_t* sem, clockid_t clock, const timespec* abstime) {
  return timed_wait(sem, clock, abstime);
}

int sem_post(sem_t* sem) {
  if (as_semaphore(sem).value() >= SEM_VALUE_MAX) return result(EOVERFLOW);
  return result(as_semaphore(sem).post());
}

int sem_getvalue(sem_t* sem, int* value) {
  *value = static_cast<int>(as_semaphore(sem).value());
  return 0;
}

sem_t* sem_open(const char*, int, ...) {
  errno = ENOSYS;
  return SEM_FAILED;
}

int sem_close(sem_t*) { return result(ENOSYS); }

int sem_unlink(const char*) { return result(ENOSYS); }

}  // extern "C"
