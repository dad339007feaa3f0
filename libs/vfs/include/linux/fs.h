/* The block-device ioctls of Linux's <linux/fs.h> that Cairn's /dev/vd* files answer
 * (newlib has no such header; glibc also has them in <sys/mount.h>). Only these
 * requests: the rest of Linux's header (FS_IOC_*, file-clone structures) has no meaning
 * here. The numbers are Linux's, so code written for Linux compiles unchanged. */
#ifndef _CAIRN_LINUX_FS_H
#define _CAIRN_LINUX_FS_H

#define BLKROGET 0x125e           /* int: 1 when the disk is read-only */
#define BLKGETSIZE 0x1260         /* unsigned long: capacity in 512-byte units */
#define BLKFLSBUF 0x1261          /* flush: the device's write cache is written back */
#define BLKSSZGET 0x1268          /* int: logical sector size in bytes */
#define BLKPBSZGET 0x127b         /* unsigned int: physical sector size in bytes */
#define BLKGETSIZE64 0x80081272UL /* uint64_t: capacity in bytes (_IOR(0x12, 114, size_t)) */

#endif
