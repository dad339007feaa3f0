#pragma once
#ifdef __cplusplus
extern "C" {
#endif
const char* greeting_libc(void);
#ifdef __cplusplus
}
#endif
