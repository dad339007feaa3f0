/* Directory entries for newlib's <dirent.h>, which includes this file (newlib's own
 * says "<dirent.h> not supported"). The layout is Linux's struct dirent; DIR is opaque.
 * opendir() and friends are the VFS's (CONFIG_VFS). */
#ifndef _CAIRN_SYS_DIRENT_H
#define _CAIRN_SYS_DIRENT_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dirent {
  ino_t d_ino;
  off_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[256];
};

#define _DIRENT_HAVE_D_TYPE 1
#define _DIRENT_HAVE_D_OFF 1
#define _DIRENT_HAVE_D_RECLEN 1

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12
#define DT_WHT 14

typedef struct __cairn_dir DIR;

#ifdef __cplusplus
}
#endif

#endif
