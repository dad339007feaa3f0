/* newlib's <sys/select.h> with Linux's FD_SETSIZE (1024, like CONFIG_VFS_MAX_FDS's
 * default; newlib says 64). A program may still define FD_SETSIZE itself first.
 * select() and pselect() take descriptors up to the table's limit. */
#ifndef _CAIRN_SYS_SELECT_H
#define _CAIRN_SYS_SELECT_H

#ifndef FD_SETSIZE
#define FD_SETSIZE 1024
#endif

#include_next <sys/select.h>

#endif
