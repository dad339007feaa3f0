# The image ABI, chosen in one place. Everything that goes into an image -- Cairn's
# components, newlib, the application -- is compiled with CAIRN_IMAGE_ABI_FLAGS.
#
#   -mno-red-zone      interrupts and exceptions arrive on the current stack in ring 0
#   -fno-pic/-fno-pie  one statically linked image at fixed addresses
#   -f*-sections       the image is linked with --gc-sections: unused code leaves no trace
#   frame pointers     crash reports walk the stack through every frame, newlib's included
#   __DYNAMIC_REENT__  newlib asks __getreent() for its per-thread state
#
# The stack protector is a Kconfig option (CONFIG_STACK_PROTECTOR_*); it uses a global
# canary (__stack_chk_guard) because there is no %fs-based TLS block at boot.
# No include guard: this file only computes variables, and every directory scope that
# includes it (the Cairn tree may be added twice by an application) needs them.

set(CAIRN_IMAGE_ABI_FLAGS
    -m64 -mno-red-zone -fno-pic -fno-pie -ffunction-sections -fdata-sections
    -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fcf-protection=none
    -D__DYNAMIC_REENT__)

# newlib is built once per distinct flag set (see libs/newlib); it never gets the stack
# protector, so that a Kconfig change does not rebuild the C library.
set(CAIRN_NEWLIB_CFLAGS -O2 -g ${CAIRN_IMAGE_ABI_FLAGS} -fno-stack-protector)

# Header search paths for image code: newlib's headers instead of glibc's. The host
# compiler's own headers (stddef.h, stdarg.h, cpuid.h, intrinsics) stay usable.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE CAIRN_GCC_INCLUDE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name
                OUTPUT_VARIABLE CAIRN_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CAIRN_LIBGCC "${CAIRN_LIBGCC}" CACHE INTERNAL "libgcc for the image link")
execute_process(COMMAND ${CMAKE_C_COMPILER} -dumpversion
                OUTPUT_VARIABLE CAIRN_GCC_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -dumpmachine
                OUTPUT_VARIABLE CAIRN_GCC_MACHINE OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "^[0-9]+" _cairn_gcc_major "${CAIRN_GCC_VERSION}")
# Until CONFIG_CXX_STDLIB builds libstdc++ for the image, C++ code may use the
# header-only parts of the host GCC's library headers (type_traits, span, array, ...);
# libs/newlib/shim makes their glibc configuration header accept newlib.
set(CAIRN_CXX_HEADER_DIRS /usr/include/c++/${_cairn_gcc_major}
                          /usr/include/${CAIRN_GCC_MACHINE}/c++/${_cairn_gcc_major})

function(cairn_check_toolchain)
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "GNU" OR NOT CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    message(FATAL_ERROR "Cairn images are built with the host's GCC on x86_64 "
                        "(found ${CMAKE_C_COMPILER_ID} on ${CMAKE_SYSTEM_PROCESSOR}).")
  endif()
endfunction()
