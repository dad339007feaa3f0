/* POSIX unnamed semaphores on the scheduler's semaphore (CONFIG_PTHREADS). Named
 * semaphores (sem_open) need a file system and fail with ENOSYS. */
#ifndef _CAIRN_SEMAPHORE_H
#define _CAIRN_SEMAPHORE_H

#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The scheduler's Semaphore in place (checked in libs/posix/src/pthread_layout.cpp). */
typedef struct {
  unsigned int __count;
  struct {
    void* __head;
    void* __tail;
  } __waiters;
} sem_t;

#define SEM_VALUE_MAX 0x7fffffff
#define SEM_FAILED ((sem_t*)0)

int sem_init(sem_t* sem, int pshared, unsigned int value);
int sem_destroy(sem_t* sem);
int sem_wait(sem_t* sem);
int sem_trywait(sem_t* sem);
int sem_timedwait(sem_t* __restrict sem, const struct timespec* __restrict abstime);
int sem_clockwait(sem_t* __restrict sem, clockid_t clock,
                  const struct timespec* __restrict abstime);
int sem_post(sem_t* sem);
int sem_getvalue(sem_t* __restrict sem, int* __restrict value);
sem_t* sem_open(const char* name, int flags, ...);
int sem_close(sem_t* sem);
int sem_unlink(const char* name);

#ifdef __cplusplus
}
#endif

#endif /* _CAIRN_SEMAPHORE_H */
