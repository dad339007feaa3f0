# Boot tests for POSIX threads (included by CMakeLists.txt): the test image
# apps/threads, booted once per subcommand on microvm and q35, under the build's
# scheduler (cooperative by default) and under the preemptive one: the same sources
# built once as the application repository apps/threads-preempt (a test fixture),
# then booted by every threads-preempt test.
if(NOT CONFIG_PTHREADS)
  return()
endif()

set(_threads_app ${CMAKE_CURRENT_SOURCE_DIR}/apps/threads)
cairn_add_unikernel(threads SOURCES ${_threads_app}/main.c ${_threads_app}/sync.c
  ${_threads_app}/timeouts.c ${_threads_app}/lifecycle.c ${_threads_app}/libc.c
  ${_threads_app}/threads_cxx.cpp)

set(_threads_preempt_build ${CMAKE_CURRENT_BINARY_DIR}/app-threads-preempt)
add_test(NAME app.threads-preempt.build
         COMMAND ${CAIRN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/app_repo_test.py --build-only
                 --source ${CMAKE_CURRENT_SOURCE_DIR}/apps/threads-preempt
                 --build ${_threads_preempt_build})
set_tests_properties(app.threads-preempt.build PROPERTIES LABELS "integration" TIMEOUT 900
                     FIXTURES_SETUP threads_preempt_image)

# threads_test(<subcommand> [boot_test.py options...]): one boot per machine and scheduler.
function(threads_test subcommand)
  foreach(machine microvm q35)
    cairn_boot_test(threads.${subcommand}.${machine} threads --machine ${machine}
                    --reject "FAIL|panic" ${ARGN} -- ${subcommand})
    set(name boot.threads-preempt.${subcommand}.${machine})
    add_test(NAME ${name}
             COMMAND ${CAIRN_PYTHON} ${CAIRN_BOOT_TEST} --image ${_threads_preempt_build}/threads-preempt
                     --machine ${machine} --reject "FAIL|panic" ${ARGN} -- ${subcommand})
    set_tests_properties(${name} PROPERTIES LABELS "integration" TIMEOUT 180
                         FIXTURES_REQUIRED threads_preempt_image)
  endforeach()
endfunction()

threads_test(mutex --expect "^mutex: 64 threads, counter=32000 expected=32000$")
threads_test(mutex-types --expect "^mutex-types: recursive ok, errorcheck ok, normal ok$")
threads_test(condvar --expect "^condvar: items=12000 produced-sum=([0-9]+) consumed-sum=\\1$")
threads_test(rwlock --expect "^rwlock: writes=800 consistent, up to ([2-9]|1[0-2]) readers at once$")
threads_test(once --expect "^once: ran 1 time, value 42$")
threads_test(timeouts --expect "^timeouts: ok$")
threads_test(semaphore --expect "^semaphore: total=500500 trywait=EAGAIN$")
threads_test(barrier --expect "^barrier: 50 rounds of 8 threads, one serial thread each$")
threads_test(join --expect "^join: 300 values, pthread_exit=1234 cleanup=ba self=EDEADLK canceled ok$")
threads_test(detach --expect "^detach: 804 threads with 1 MiB stacks ran in a 64 MiB guest$")
threads_test(keys --expect "^keys: destructors=8 rearmed=4 keys-max=128$")
threads_test(main-exit --expect-in-order --expect "^main-exit: main calls pthread_exit$"
             --expect "^main-exit: joined main: 0 value=77$" --expect "^main-exit: thread 3 done$"
             --expect "^main-exit: atexit ran, 4 threads finished$")
threads_test(names --expect "^names: main, pthread, worker-7$")
threads_test(tls --expect "^tls: 16 threads, distinct copies, template values ok, errno per thread$")
threads_test(sleep-spin --expect "^sleep-spin: 5 x 100 ms beside a spinner, worst late by [0-9]+ us$")
threads_test(printf --expect "^printf: 3200 lines from 16 threads, 0 garbled$")
threads_test(malloc --expect "^malloc: 16 threads x 4000 operations, no block overwritten$")
threads_test(cxx-tls --expect "^cxx-tls: thread_local values distinct, template and zero ok$")
threads_test(cxx-mutex --expect "^cxx-mutex: counter=4800 \\(std::mutex, recursive_mutex, shared_mutex\\)$")
threads_test(cxx-static-init --expect "^cxx-static-init: constructed 1 time, value 4242$")
