// /init of the Linux guest that `make bench` compares Cairn's httpd with
// (tools/bench/linux_guest.py builds it with `cc -static` and packs it into the
// initramfs). As PID 1 it:
//   1. loads the kernel modules listed in /modules.list, in that (dependency) order,
//      with finit_module (the virtio transport and virtio-net are modules in Debian's
//      cloud kernel);
//   2. brings up lo, and eth0 as 10.0.2.15/24 with a default route via 10.0.2.2 (what
//      QEMU user networking's DHCP would hand out), with ioctl, no tools;
//   3. runs /httpd with the arguments in /httpd.args (one per line), its output on the
//      console;
//   4. prints the guest's memory figures (/proc/meminfo) and powers the VM off when the
//      server exits.
// Nothing here is specific to benchmarking beyond the fixed addresses.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GUEST_ADDRESS "10.0.2.15"
#define GUEST_NETMASK "255.255.255.0"
#define GATEWAY "10.0.2.2"

static void say(const char* fmt, const char* a, int err) {
  printf("linux-guest: ");
  printf(fmt, a);
  if (err) printf(": %s", strerror(err));
  printf("\n");
  fflush(stdout);
}

static void power_off(void) {
  sync();
  reboot(RB_POWER_OFF);
  // Should power-off not be wired up, a reboot ends QEMU too (it runs with -no-reboot).
  reboot(RB_AUTOBOOT);
  for (;;) pause();
}

static void load_modules(void) {
  FILE* list = fopen("/modules.list", "r");
  if (!list) return;
  char path[256];
  while (fgets(path, sizeof path, list)) {
    path[strcspn(path, "\n")] = '\0';
    if (!path[0]) continue;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      say("cannot open %s", path, errno);
      continue;
    }
    if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
      say("finit_module %s", path, errno);
    close(fd);
  }
  fclose(list);
}

static void set_address(int s, const char* name, unsigned long request, const char* value) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  struct sockaddr_in* sin = (struct sockaddr_in*)&ifr.ifr_addr;
  sin->sin_family = AF_INET;
  inet_pton(AF_INET, value, &sin->sin_addr);
  if (ioctl(s, request, &ifr) != 0) say("setting an address of %s", name, errno);
}

static int bring_up(int s, const char* name) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) return -1;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
    say("bringing up %s", name, errno);
    return -1;
  }
  return 0;
}

static void configure_network(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    say("%s", "socket", errno);
    return;
  }
  bring_up(s, "lo");
  // The driver's probe normally runs inside finit_module; wait a little in case the
  // device appears later (asynchronous probing).
  for (int i = 0; i < 500 && if_nametoindex("eth0") == 0; ++i) usleep(10000);
  if (if_nametoindex("eth0") == 0) {
    say("%s", "no eth0", 0);
    close(s);
    return;
  }
  set_address(s, "eth0", SIOCSIFADDR, GUEST_ADDRESS);
  set_address(s, "eth0", SIOCSIFNETMASK, GUEST_NETMASK);
  bring_up(s, "eth0");
  struct rtentry route;
  memset(&route, 0, sizeof route);
  struct sockaddr_in* gw = (struct sockaddr_in*)&route.rt_gateway;
  gw->sin_family = AF_INET;
  inet_pton(AF_INET, GATEWAY, &gw->sin_addr);
  ((struct sockaddr_in*)&route.rt_dst)->sin_family = AF_INET;
  ((struct sockaddr_in*)&route.rt_genmask)->sin_family = AF_INET;
  route.rt_flags = RTF_UP | RTF_GATEWAY;
  if (ioctl(s, SIOCADDRT, &route) != 0) say("%s", "adding the default route", errno);
  close(s);
}

static void print_memory(void) {
  FILE* f = fopen("/proc/meminfo", "r");
  if (!f) return;
  char line[128];
  long total = -1, free_kib = -1, available = -1;
  while (fgets(line, sizeof line, f)) {
    sscanf(line, "MemTotal: %ld kB", &total);
    sscanf(line, "MemFree: %ld kB", &free_kib);
    sscanf(line, "MemAvailable: %ld kB", &available);
  }
  fclose(f);
  printf("linux-guest: memory: MemTotal %ld KiB, MemFree %ld KiB, MemAvailable %ld KiB\n", total,
         free_kib, available);
  fflush(stdout);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  mkdir("/proc", 0555);
  if (mount("proc", "/proc", "proc", 0, NULL) != 0) say("%s", "mounting /proc", errno);
  load_modules();
  configure_network();

  char* argv[16] = {"/httpd"};
  int argc = 1;
  FILE* args = fopen("/httpd.args", "r");
  char line[256];
  while (args && argc < 15 && fgets(line, sizeof line, args)) {
    line[strcspn(line, "\n")] = '\0';
    if (line[0]) argv[argc++] = strdup(line);
  }
  if (args) fclose(args);
  argv[argc] = NULL;

  say("%s", "starting /httpd", 0);
  pid_t child = fork();
  if (child == 0) {
    execv(argv[0], argv);
    say("exec %s", argv[0], errno);
    _exit(127);
  }
  int status = 0;
  while (child > 0 && waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  printf("linux-guest: httpd exited with status %d\n",
         WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  print_memory();
  power_off();
  return 0;
}
