// The public pthread types (<sys/_pthreadtypes.h>, plain C) hold the scheduler's
// objects in place. Their sizes and alignments must match exactly; the member order is
// checked at run time by the threads test image (static initialisers of each kind).
#include <semaphore.h>

#include <cairn/sched/sync.h>

#include "pthread_internal.h"

namespace {

using namespace cairn::sched;

template <typename Public, typename Kernel>
constexpr bool same_shape = sizeof(Public) == sizeof(Kernel) && alignof(Public) == alignof(Kernel);

static_assert(same_shape<pthread_mutex_t, Mutex>);
static_assert(same_shape<struct __cairn_wait_queue, WaitQueue>);
static_assert(same_shape<struct __cairn_wait_queue, CondVar>);
static_assert(offsetof(pthread_cond_t, __waiters) == 0);
static_assert(same_shape<pthread_rwlock_t, RwLock>);
static_assert(same_shape<pthread_once_t, Once>);
static_assert(same_shape<sem_t, Semaphore>);
// The mutex kinds are the pthread mutex types.
static_assert(static_cast<int>(MutexKind::kNormal) == PTHREAD_MUTEX_NORMAL);
static_assert(static_cast<int>(MutexKind::kRecursive) == PTHREAD_MUTEX_RECURSIVE);
static_assert(static_cast<int>(MutexKind::kErrorCheck) == PTHREAD_MUTEX_ERRORCHECK);

}  // namespace
