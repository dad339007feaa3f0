/* ioctl() and the requests Cairn's files understand (Linux numbers; newlib has no
 * <sys/ioctl.h>). */
#ifndef _CAIRN_SYS_IOCTL_H
#define _CAIRN_SYS_IOCTL_H

#ifdef __cplusplus
extern "C" {
#endif

#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541B
#define TIOCINQ FIONREAD
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

struct winsize {
  unsigned short ws_row;
  unsigned short ws_col;
  unsigned short ws_xpixel;
  unsigned short ws_ypixel;
};

int ioctl(int fd, unsigned long request, ...);

#ifdef __cplusplus
}
#endif

#endif
