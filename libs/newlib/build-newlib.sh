#!/usr/bin/env bash
# Build newlib (C library + libm) for Cairn images, once per configuration.
#
#   build-newlib.sh --tarball FILE --out DIR --cflags "FLAGS" [--jobs N]
#
# FILE is Debian's newlib-source tarball (/usr/src/newlib/newlib-*.tar.xz).
# DIR is a cache directory whose name the caller already derived from a hash
# of the inputs (tarball, flags, this script), so a DIR that is marked
# complete is simply reused. The result is:
#
#   DIR/include/    every installed newlib header (newlib.h, sys/, machine/, ...)
#   DIR/lib/libc.a  DIR/lib/libm.a
#   DIR/.complete   written last; its presence means DIR is usable
#
# Build output goes to DIR.log; the terminal sees one progress line, or the
# tail of the log if the build fails. See README.md beside this file for the
# flags image code must use to compile against the result.
set -euo pipefail

usage() {
    echo "usage: $0 --tarball FILE --out DIR --cflags \"FLAGS\" [--jobs N]" >&2
    exit 2
}

tarball='' out='' cflags='' jobs=1
cflags_set=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --tarball) [[ $# -ge 2 ]] || usage; tarball=$2; shift 2 ;;
        --out)     [[ $# -ge 2 ]] || usage; out=$2; shift 2 ;;
        --cflags)  [[ $# -ge 2 ]] || usage; cflags=$2; cflags_set=1; shift 2 ;;
        --jobs)    [[ $# -ge 2 ]] || usage; jobs=$2; shift 2 ;;
        -h|--help) usage ;;
        *) echo "build-newlib.sh: unknown argument: $1" >&2; usage ;;
    esac
done
[[ -n $tarball && -n $out && $cflags_set == 1 ]] || usage
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "build-newlib.sh: --jobs wants a positive number" >&2; exit 2; }

# Cache hit: silent and immediate, because this runs on every build.
[[ -e $out/.complete ]] && exit 0

[[ -f $tarball ]] || { echo "build-newlib.sh: no such tarball: $tarball" >&2; exit 1; }
tarball=$(realpath "$tarball")
mkdir -p "$(dirname "$out")"
out=$(realpath -m "$out")
log=$out.log
stage=$out.tmp

# Two build directories configured alike share this cache directory; the lock
# makes the second one wait for the first instead of building it twice.
exec 9>"$out.lock"
flock 9
[[ -e $out/.complete ]] && exit 0

# The version is only for the progress line: newlib-3.3.0.tar.xz -> "newlib 3.3.0".
what=$(basename "$tarball" | sed -n 's/^newlib-\([0-9][0-9.]*[0-9]\)\..*$/newlib \1/p')
echo "cairn: building ${what:-newlib} for the image (once per configuration, a few minutes)..."

# Scratch space sits next to DIR (same file system, so the final mv is a
# rename) and is removed however we leave.
work=$(mktemp -d "$out.build.XXXXXX")
cleanup() { rm -rf "$work" "$stage"; }
trap cleanup EXIT
rm -rf "$stage"
: >"$log"

fail() {
    echo "--- last lines of $log ---" >&2
    tail -n 40 "$log" >&2
    echo "cairn: newlib build failed, full log: $log" >&2
    exit 1
}

# run CMD...: append CMD's output to the log; on failure show its tail.
# The children do not inherit the lock's descriptor (9>&-), so a stray
# process left behind cannot keep other builds waiting.
run() {
    echo "+ $*" >>"$log"
    "$@" >>"$log" 2>&1 9>&- || fail
}

# The build must depend only on the arguments, not on the caller's
# environment: configure would pick up CC/CFLAGS/..., and a parent make's
# MAKEFLAGS (jobserver, -k, -s, ...) would leak into ours.
unset CC CXX CPP CFLAGS CXXFLAGS CPPFLAGS LDFLAGS LIBS CONFIG_SITE MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS
export LC_ALL=C

src=$work/src
build=$work/build
destdir=$work/destdir
mkdir -p "$src" "$build" "$destdir"

# Debian's tarball unpacks into newlib-salsa/ (not newlib-VERSION/); strip the
# top directory so the name does not matter.
run tar -xf "$tarball" -C "$src" --strip-components=1

# There is no x86_64-elf cross compiler: the host gcc, binutils and GCC's own
# freestanding headers (stddef.h, stdarg.h, float.h, limits.h, ...) serve as
# the target toolchain. -nostdinc keeps glibc's /usr/include out of the build,
# so newlib can only see its own headers and GCC's; the top-level configure
# appends newlib's include directories after these (the same order a real
# newlib cross compiler uses: GCC's headers first, then libc's).
# -Wa,--noexecstack: newlib's x86_64 assembly (memcpy, memset, setjmp) has no
# .note.GNU-stack section, which makes ld warn about an executable stack in
# every image that pulls them in.
# -ffile-prefix-map: the scratch directory's random name would otherwise end
# up in the debug info; with it mapped away the archives are the same bytes
# whenever the inputs are (Debian's ar is deterministic), and gdb can be
# pointed at an unpacked tarball with "set substitute-path newlib-src DIR".
gcc_include=$(gcc -print-file-name=include)
cc_for_target="gcc -nostdinc -isystem $gcc_include -Wa,--noexecstack"
cc_for_target+=" -ffile-prefix-map=$src=newlib-src -ffile-prefix-map=$build=newlib-build"

# Target triple x86_64-cairn-elf: a bare-metal triple with no sys_dir, so
# newlib brings no OS support of its own. For unknown bare-metal hosts
# newlib's configure.host compiles with -DMISSING_SYSCALL_NAMES and no
# libc/syscalls, i.e. _write_r() would call write() directly and there would
# be no write() -> _write_r() -> _write() wrappers. We want the wrappers (the
# POSIX names then behave like any newlib port, and our glue provides the
# underscore stubs), so teach configure.host about our vendor tag, in the
# scratch copy only, the way newlib's in-tree ports (riscv, aarch64, ...) do.
# have_init_fini=no: constructors come only from .init_array (there is no
# crti.o/crtn.o to supply _init/_fini), so __libc_init_array must not call
# _init().
host_cfg=$src/newlib/configure.host
grep -q '^  \*)$' "$host_cfg" || { echo "configure.host: default case not found" >>"$log"; fail; }
sed -i '/^# Host specific flag settings/,/^esac/ {
/^  \*)$/i\
  x86_64-cairn-*)\
\tsyscall_dir=syscalls\
\thave_init_fini=no\
\t;;
}' "$host_cfg"
grep -q '^  x86_64-cairn-\*)$' "$host_cfg" || { echo "configure.host: patch did not apply" >>"$log"; fail; }

# A full C library, not an embedded one: C99 and long long and long double
# printf/scanf formats, floating point printf (default on), multibyte/wide
# characters, locks that our threads can take over (retargetable locking).
# No nano variants. Not --enable-newlib-io-pos-args: in 3.3.0 its vfprintf
# passes &ap for a va_list parameter, which is wrong where va_list is an
# array type (x86_64), so %1$d-style arguments would read garbage.
# Every target tool is named: a missing one would be looked up as
# x86_64-cairn-elf-TOOL and fail quietly (without readelf, for instance,
# configure decides there is no .init_array and __libc_init_array is empty).
cd "$build"
run "$src/configure" \
    --target=x86_64-cairn-elf \
    --prefix=/usr \
    --disable-multilib \
    --disable-nls \
    --enable-newlib-io-c99-formats \
    --enable-newlib-io-long-long \
    --enable-newlib-io-long-double \
    --enable-newlib-mb \
    --enable-newlib-retargetable-locking \
    --enable-newlib-multithread \
    CC_FOR_TARGET="$cc_for_target" \
    AR_FOR_TARGET=ar \
    AS_FOR_TARGET=as \
    LD_FOR_TARGET=ld \
    NM_FOR_TARGET=nm \
    RANLIB_FOR_TARGET=ranlib \
    OBJCOPY_FOR_TARGET=objcopy \
    OBJDUMP_FOR_TARGET=objdump \
    READELF_FOR_TARGET=readelf \
    STRIP_FOR_TARGET=strip \
    CFLAGS_FOR_TARGET="$cflags"
# Only newlib: libgloss (board support, crt0) is not wanted, and the
# documentation would need makeinfo.
run make -j"$jobs" MAKEINFO=true all-target-newlib
run make MAKEINFO=true DESTDIR="$destdir" install-target-newlib

installed=$destdir/usr/x86_64-cairn-elf
mkdir -p "$stage/lib"
run cp -a "$installed/include" "$stage/include"
run cp -a "$installed/lib/libc.a" "$installed/lib/libm.a" "$stage/lib/"

# newlib 3.3.0's stdatomic.h (from FreeBSD) does not compile with GCC 12
# (atomic_flag functions apply member access to a non-struct). GCC ships its
# own, which is the one to use; removing newlib's makes <stdatomic.h> find
# GCC's whatever the include order.
rm -f "$stage/include/stdatomic.h"

# newlib picks its reentrancy model from __DYNAMIC_REENT__ in the headers
# (_REENT, stdin/stdout/stderr, errno all expand through it). If the library
# was built with it, code compiled against these headers must agree, or it
# would read _impure_ptr while the library uses __getreent(). Record it in
# newlib.h so the headers carry the decision themselves.
if [[ " $cflags " == *" -D__DYNAMIC_REENT__ "* || " $cflags " == *" -D__DYNAMIC_REENT__="* ]]; then
    hdr=$stage/include/newlib.h
    guard_end='#endif /* !__NEWLIB_H__ */'
    grep -qxF "$guard_end" "$hdr" || { echo "newlib.h: include guard not found" >>"$log"; fail; }
    awk -v guard_end="$guard_end" '
        $0 == guard_end {
            print "/* Added by Cairn (libs/newlib/build-newlib.sh): this libc was built"
            print "   with -D__DYNAMIC_REENT__ (per-thread struct _reent via __getreent()). */"
            print "#ifndef __DYNAMIC_REENT__"
            print "#define __DYNAMIC_REENT__ 1"
            print "#endif"
            print ""
        }
        { print }' "$hdr" >"$hdr.new"
    mv "$hdr.new" "$hdr"
fi

touch "$stage/.complete"
# We hold the lock, so anything at $out is a leftover without .complete.
rm -rf "$out"
mv "$stage" "$out"
