// Cancellation, deferred only: pthread_cancel() marks the thread, and it ends (running
// its cleanup handlers, with PTHREAD_CANCELED as its value) at its next
// pthread_testcancel(). Blocking calls are not cancellation points yet
// (docs/threads.md). The library also needs pthread_cancel to exist: libstdc++'s
// gthr-posix.h decides that threads are in use when it is linked.
#include <errno.h>

#include "pthread_internal.h"

using namespace cairn::posix;

extern "C" {

int pthread_cancel(pthread_t thread) {
  from_handle(thread)->cancel_pending = true;
  return 0;
}

int pthread_setcancelstate(int state, int* old_state) {
  if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE) return EINVAL;
  Pthread* self = current();
  if (old_state)
    *old_state = self->cancel_disabled ? PTHREAD_CANCEL_DISABLE : PTHREAD_CANCEL_ENABLE;
  self->cancel_disabled = state == PTHREAD_CANCEL_DISABLE;
  return 0;
}

int pthread_setcanceltype(int type, int* old_type) {
  if (type == PTHREAD_CANCEL_ASYNCHRONOUS) return ENOTSUP;
  if (type != PTHREAD_CANCEL_DEFERRED) return EINVAL;
  if (old_type) *old_type = PTHREAD_CANCEL_DEFERRED;
  return 0;
}

void pthread_testcancel(void) {
  Pthread* self = current();
  if (self->cancel_pending && !self->cancel_disabled) exit_current(self, PTHREAD_CANCELED);
}

}  // extern "C"
