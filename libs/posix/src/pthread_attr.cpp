// Thread attributes. A stack address (pthread_attr_setstack) is recorded but the
// scheduler allocates every stack itself (with its guard page): only the size is used.
// pthread_getattr_np reports what the thread was created with.
#include <errno.h>
#include <string.h>

#include <cairn/config.h>

#include "pthread_internal.h"

namespace {

#ifdef CONFIG_THREAD_STACK_SIZE
constexpr size_t kDefaultStackSize = CONFIG_THREAD_STACK_SIZE;
#else
constexpr size_t kDefaultStackSize = 65536;
#endif
constexpr size_t kPageSize = 4096;

}  // namespace

using namespace cairn::posix;

extern "C" {

int pthread_attr_init(pthread_attr_t* attr) {
  memset(attr, 0, sizeof *attr);
  attr->__detachstate = PTHREAD_CREATE_JOINABLE;
  attr->__inheritsched = PTHREAD_INHERIT_SCHED;
  attr->__schedpolicy = SCHED_OTHER;
  attr->__scope = PTHREAD_SCOPE_SYSTEM;
  attr->__guardsize = kPageSize;
  return 0;
}

int pthread_attr_destroy(pthread_attr_t*) { return 0; }

int pthread_attr_setdetachstate(pthread_attr_t* attr, int state) {
  if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED) return EINVAL;
  attr->__detachstate = state;
  return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t* attr, int* state) {
  *state = attr->__detachstate;
  return 0;
}

int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size) {
  if (size < PTHREAD_STACK_MIN) return EINVAL;
  attr->__stacksize = size;
  return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t* attr, size_t* size) {
  *size = attr->__stacksize ? attr->__stacksize : kDefaultStackSize;
  return 0;
}

int pthread_attr_setstack(pthread_attr_t* attr, void* addr, size_t size) {
  if (size < PTHREAD_STACK_MIN) return EINVAL;
  attr->__stackaddr = addr;
  attr->__stacksize = size;
  return 0;
}

int pthread_attr_getstack(const pthread_attr_t* attr, void** addr, size_t* size) {
  *addr = attr->__stackaddr;
  return pthread_attr_getstacksize(attr, size);
}

int pthread_attr_setstackaddr(pthread_attr_t* attr, void* addr) {
  attr->__stackaddr = addr;
  return 0;
}

int pthread_attr_getstackaddr(const pthread_attr_t* attr, void** addr) {
  *addr = attr->__stackaddr;
  return 0;
}

// Every stack has one guard page, whatever is asked.
int pthread_attr_setguardsize(pthread_attr_t* attr, size_t size) {
  attr->__guardsize = size;
  return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t* attr, size_t* size) {
  *size = attr->__guardsize;
  return 0;
}

// Like Linux: every thread competes system-wide; process scope is not supported.
int pthread_attr_setscope(pthread_attr_t* attr, int scope) {
  if (scope == PTHREAD_SCOPE_PROCESS) return ENOTSUP;
  if (scope != PTHREAD_SCOPE_SYSTEM) return EINVAL;
  attr->__scope = scope;
  return 0;
}

int pthread_attr_getscope(const pthread_attr_t* attr, int* scope) {
  *scope = attr->__scope;
  return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t* attr, int inherit) {
  if (inherit != PTHREAD_INHERIT_SCHED && inherit != PTHREAD_EXPLICIT_SCHED) return EINVAL;
  attr->__inheritsched = inherit;
  return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t* attr, int* inherit) {
  *inherit = attr->__inheritsched;
  return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t* attr, int policy) {
  if (policy != SCHED_OTHER && policy != SCHED_FIFO && policy != SCHED_RR) return EINVAL;
  attr->__schedpolicy = policy;
  return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t* attr, int* policy) {
  *policy = attr->__schedpolicy;
  return 0;
}

int pthread_attr_setschedparam(pthread_attr_t* attr, const struct sched_param* param) {
  attr->__schedparam = *param;
  return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t* attr, struct sched_param* param) {
  *param = attr->__schedparam;
  return 0;
}

int pthread_getattr_np(pthread_t thread, pthread_attr_t* attr) {
  Pthread* target = from_handle(thread);
  pthread_attr_init(attr);
  attr->__detachstate = target->detached ? PTHREAD_CREATE_DETACHED : PTHREAD_CREATE_JOINABLE;
  attr->__stacksize = target->stack_size;
  attr->__schedpolicy = target->sched_policy;
  attr->__schedparam.sched_priority = target->sched_priority;
  return 0;
}

}  // extern "C"
