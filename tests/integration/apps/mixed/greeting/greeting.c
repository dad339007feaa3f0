// Compiled against the image's C library: <newlib.h> exists only there, so this file
// does not build with the host's flags.
#include "greeting.h"

#include <newlib.h>

const char* greeting_libc(void) { return "newlib " _NEWLIB_VERSION; }
