// Scheduling parameters. Cairn's scheduler has one priority: policies and priorities
// are accepted and reported back, as Linux does for a privileged process, but they do
// not change the order in which threads run (docs/threads.md).
#include <errno.h>

#include "pthread_internal.h"

namespace {

bool valid(int policy, int priority) {
  if (policy == SCHED_OTHER) return priority == 0;
  if (policy == SCHED_FIFO || policy == SCHED_RR) return priority >= 1 && priority <= 99;
  return false;
}

}  // namespace

using namespace cairn::posix;

extern "C" {

int sched_yield(void) {
  cairn::sched::yield();
  return 0;
}

int sched_get_priority_max(int policy) {
  if (policy == SCHED_OTHER) return 0;
  if (policy == SCHED_FIFO || policy == SCHED_RR) return 99;
  errno = EINVAL;
  return -1;
}

int sched_get_priority_min(int policy) {
  if (policy == SCHED_OTHER) return 0;
  if (policy == SCHED_FIFO || policy == SCHED_RR) return 1;
  errno = EINVAL;
  return -1;
}

int pthread_getschedparam(pthread_t thread, int* policy, struct sched_param* param) {
  Pthread* target = from_handle(thread);
  *policy = target->sched_policy;
  param->sched_priority = target->sched_priority;
  return 0;
}

int pthread_setschedparam(pthread_t thread, int policy, const struct sched_param* param) {
  if (!valid(policy, param->sched_priority)) return EINVAL;
  Pthread* target = from_handle(thread);
  target->sched_policy = policy;
  target->sched_priority = param->sched_priority;
  return 0;
}

int pthread_setschedprio(pthread_t thread, int priority) {
  Pthread* target = from_handle(thread);
  if (!valid(target->sched_policy, priority)) return EINVAL;
  target->sched_priority = priority;
  return 0;
}

int pthread_getconcurrency(void) { return 0; }
int pthread_setconcurrency(int level) { return level < 0 ? EINVAL : 0; }

// There is no fork(): nothing to prepare for.
int pthread_atfork(void (*)(void), void (*)(void), void (*)(void)) { return 0; }

}  // extern "C"
