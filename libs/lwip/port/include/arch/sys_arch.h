/* lwIP's operating-system types for Cairn (lwip/sys.h includes this). Semaphores,
   mutexes and mailboxes are Cairn scheduler objects that port/sys_arch.cpp allocates;
   lwIP holds them by pointer, so null means "invalid" and the types stay plain C. */
#ifndef CAIRN_LWIP_ARCH_SYS_ARCH_H
#define CAIRN_LWIP_ARCH_SYS_ARCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cairn_lwip_sem* sys_sem_t;
typedef struct cairn_lwip_mutex* sys_mutex_t;
typedef struct cairn_lwip_mbox* sys_mbox_t;
typedef struct cairn_lwip_thread* sys_thread_t;
/* SYS_ARCH_PROTECT holds off preemption (see sys_arch.cpp); nothing to restore. */
typedef int sys_prot_t;

#define sys_sem_valid(sem) (*(sem) != NULL)
#define sys_sem_valid_val(sem) ((sem) != NULL)
#define sys_sem_set_invalid(sem) (*(sem) = NULL)
#define sys_sem_set_invalid_val(sem) ((sem) = NULL)

#define sys_mutex_valid(mutex) (*(mutex) != NULL)
#define sys_mutex_set_invalid(mutex) (*(mutex) = NULL)

#define sys_mbox_valid(mbox) (*(mbox) != NULL)
#define sys_mbox_valid_val(mbox) ((mbox) != NULL)
#define sys_mbox_set_invalid(mbox) (*(mbox) = NULL)
#define sys_mbox_set_invalid_val(mbox) ((mbox) = NULL)

#ifdef __cplusplus
}
#endif

#endif
