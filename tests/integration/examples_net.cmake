# Tests of examples/httpd and examples/echo (included by CMakeLists.txt), driven from
# the host over QEMU user networking with ports forwarded from 127.0.0.1
# (examples_net/httpd_test.py, echo_test.py), on microvm and q35, in 8 MiB of guest RAM.
# The examples need networking (their app.conf); when this build's configuration has
# it they are built in-tree, else each is built once as the application repository it
# is (the fixture app.<name>.build), as a debug build (configs/debug.conf): lwIP then
# reports what is still allocated at exit, which the drivers check for leaks. The same drivers also run the examples' sources as
# Linux processes (examples.<name>.linux), which checks the drivers themselves.
set(_examples_net_drivers ${CMAKE_CURRENT_SOURCE_DIR}/examples_net)

# examples_net_test(<name> <driver>): the build fixture (when needed) and the tests.
function(examples_net_test name driver)
  if(TARGET ${name})
    set(image $<TARGET_FILE:${name}>)
    set(fixture "")
  else()
    set(build ${CMAKE_CURRENT_BINARY_DIR}/app-example-${name})
    add_test(NAME app.${name}.build
             COMMAND ${CAIRN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/app_repo_test.py --build-only
                     --source ${CAIRN_ROOT}/examples/${name} --build ${build}
                     --config ${CAIRN_ROOT}/configs/debug.conf)
    set_tests_properties(app.${name}.build PROPERTIES LABELS "integration" TIMEOUT 900
                         FIXTURES_SETUP example_${name}_image)
    set(image ${build}/${name})
    set(fixture example_${name}_image)
  endif()
  foreach(machine microvm q35)
    set(test boot.examples.${name}.${machine})
    add_test(NAME ${test} COMMAND ${CAIRN_PYTHON} ${_examples_net_drivers}/${driver}
                                  --image ${image} --machine ${machine} --mem 8M)
    set_tests_properties(${test} PROPERTIES LABELS "integration" TIMEOUT 900)
    if(fixture)
      set_tests_properties(${test} PROPERTIES FIXTURES_REQUIRED ${fixture})
    endif()
  endforeach()
  add_test(NAME examples.${name}.linux
           COMMAND ${CAIRN_PYTHON} ${_examples_net_drivers}/${driver} --linux)
  set_tests_properties(examples.${name}.linux PROPERTIES LABELS "integration" TIMEOUT 300)
endfunction()

examples_net_test(httpd httpd_test.py)
examples_net_test(echo echo_test.py)
