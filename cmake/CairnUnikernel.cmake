# cairn_add_unikernel(<name> SOURCES src... [CONFIG fragment...] [KCONFIG file])
#
# Builds the bootable ELF image <name> from the application's sources and the Cairn
# components selected by this build directory's configuration. See docs/app-repos.md.
#
# A build directory has one configuration. In an application's own build directory the
# first cairn_add_unikernel() call configures Cairn with its fragments and app Kconfig
# and adds the Cairn tree below it (as <build>/cairn). Inside the Cairn tree's own build
# the configuration already exists; an example whose fragment asks for something the
# configuration does not have is skipped with a note that says what it needs.
include_guard(GLOBAL)
get_filename_component(CAIRN_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(CAIRN_ROOT "${CAIRN_ROOT}" CACHE INTERNAL "Cairn checkout")
include(${CAIRN_ROOT}/cmake/CairnKconfig.cmake)
# Cairn's own tools need only the Python standard library (Kconfiglib is found apart).
find_program(CAIRN_PYTHON NAMES python3 REQUIRED)

# Runs the configuration engine for this build directory and records that it ran.
macro(cairn_configure)
  cmake_parse_arguments(_cc "" "APP_KCONFIG" "FRAGMENTS" ${ARGN})
  set(_cc_args KCONFIG ${CAIRN_ROOT}/Kconfig BINARY_DIR ${CMAKE_BINARY_DIR}
               FRAGMENTS ${_cc_FRAGMENTS})
  if(_cc_APP_KCONFIG)
    list(APPEND _cc_args APP_KCONFIG ${_cc_APP_KCONFIG})
  endif()
  cairn_kconfig_configure(${_cc_args})
  set_property(GLOBAL PROPERTY CAIRN_CONFIGURED TRUE)
  set_property(GLOBAL PROPERTY CAIRN_CONFIG_FRAGMENTS "${_cc_FRAGMENTS}")
endmacro()

# Returns in <out> a reason why <fragments> do not fit the current configuration, or "".
function(_cairn_fragment_mismatch out)
  set(${out} "" PARENT_SCOPE)
  if(NOT ARGN)
    return()
  endif()
  set(args)
  foreach(f IN LISTS ARGN)
    list(APPEND args --fragment ${f})
  endforeach()
  execute_process(
    COMMAND ${CAIRN_KCONFIG_PYTHON} ${CAIRN_ROOT}/tools/kconfig/cairn_kconfig.py check
            --kconfig ${CAIRN_ROOT}/Kconfig --config ${CMAKE_BINARY_DIR}/.config ${args}
    RESULT_VARIABLE rc OUTPUT_VARIABLE msg ERROR_VARIABLE err)
  if(rc EQUAL 1)
    set(${out} "${msg}" PARENT_SCOPE)
  elseif(NOT rc EQUAL 0)
    message(FATAL_ERROR "${msg}${err}")
  endif()
endfunction()

# Gives every library linked into <target> (directly or through other libraries) the
# image compile flags: an app's own static and object libraries are compiled against
# newlib like its sources. Cairn's components and imported libraries are left alone.
function(_cairn_flag_linked_libraries target)
  get_property(components GLOBAL PROPERTY CAIRN_COMPONENTS)
  set(pending ${target})
  set(seen)
  while(pending)
    list(POP_FRONT pending t)
    foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(deps ${t} ${property})
      foreach(dep IN LISTS deps)
        string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" dep "${dep}")
        if(NOT TARGET "${dep}" OR dep IN_LIST seen OR dep IN_LIST components OR dep MATCHES "^cairn_")
          continue()
        endif()
        list(APPEND seen ${dep})
        get_target_property(aliased ${dep} ALIASED_TARGET)
        if(aliased)
          set(dep ${aliased})
        endif()
        get_target_property(type ${dep} TYPE)
        get_target_property(imported ${dep} IMPORTED)
        if(type STREQUAL "SHARED_LIBRARY" OR type STREQUAL "MODULE_LIBRARY")
          message(FATAL_ERROR "Image '${target}' links the shared library '${dep}'; a unikernel "
                              "image is linked statically: make it a STATIC library.")
        endif()
        if(NOT imported AND (type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "OBJECT_LIBRARY"))
          target_link_libraries(${dep} PRIVATE cairn_app_flags)
          add_dependencies(${dep} cairn_newlib_build)
        endif()
        list(APPEND pending ${dep})
      endforeach()
    endforeach()
  endwhile()
endfunction()

function(cairn_add_unikernel name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "KCONFIG" "SOURCES;CONFIG")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "cairn_add_unikernel(${name}): no SOURCES given")
  endif()
  foreach(f IN LISTS arg_CONFIG arg_KCONFIG)
    if(NOT IS_ABSOLUTE "${f}" OR NOT EXISTS "${f}")
      message(FATAL_ERROR "cairn_add_unikernel(${name}): '${f}' does not exist "
                          "(give fragments and Kconfig files as absolute paths, e.g. "
                          "\${CMAKE_CURRENT_SOURCE_DIR}/app.conf)")
    endif()
  endforeach()

  get_property(configured GLOBAL PROPERTY CAIRN_CONFIGURED)
  if(NOT configured)
    # An application's own build directory: configure Cairn for this app, then build it.
    # -DCAIRN_CONFIG=<fragment;...> merges more fragments over the application's own
    # (a debug build, say, without editing app.conf); relative to the application.
    set(CAIRN_CONFIG "" CACHE STRING "Fragments merged over the application's (;-list)")
    set(extra)
    foreach(f IN LISTS CAIRN_CONFIG)
      get_filename_component(f "${f}" ABSOLUTE BASE_DIR "${CMAKE_SOURCE_DIR}")
      if(NOT EXISTS "${f}")
        message(FATAL_ERROR "CAIRN_CONFIG: '${f}' does not exist")
      endif()
      list(APPEND extra "${f}")
    endforeach()
    cairn_configure(FRAGMENTS ${arg_CONFIG} ${extra} APP_KCONFIG ${arg_KCONFIG})
    # Later images of this application compare their fragments with its own.
    set_property(GLOBAL PROPERTY CAIRN_CONFIG_FRAGMENTS "${arg_CONFIG}")
    # "_cairn", not "cairn": the app may have added the checkout as "cairn" itself.
    add_subdirectory(${CAIRN_ROOT} ${CMAKE_BINARY_DIR}/_cairn)
    foreach(sym IN LISTS CAIRN_CONFIG_SYMBOLS)
      set(${sym} "${${sym}}" PARENT_SCOPE)
    endforeach()
    set(CAIRN_CONFIG_SYMBOLS "${CAIRN_CONFIG_SYMBOLS}" PARENT_SCOPE)
  else()
    get_property(fragments GLOBAL PROPERTY CAIRN_CONFIG_FRAGMENTS)
    if(NOT "${arg_CONFIG}" STREQUAL "${fragments}")
      _cairn_fragment_mismatch(why ${arg_CONFIG})
      if(why)
        message(STATUS "Skipping image '${name}': this build's configuration lacks what it "
                       "needs:\n${why}")
        return()
      endif()
    endif()
  endif()

  # The image knows its own name (argv[0]).
  set(info "${CMAKE_CURRENT_BINARY_DIR}/${name}_app_info.c")
  file(CONFIGURE OUTPUT "${info}" CONTENT "const char cairn_app_name[] = \"${name}\";\n")

  add_executable(${name} ${arg_SOURCES} ${info})
  get_property(components GLOBAL PROPERTY CAIRN_COMPONENTS)
  target_link_libraries(${name} PRIVATE cairn_app_flags
    "$<LINK_LIBRARY:WHOLE_ARCHIVE,${components}>"
    -Wl,--start-group ${CAIRN_NEWLIB_DIR}/lib/libc.a ${CAIRN_NEWLIB_DIR}/lib/libm.a
    ${CAIRN_LIBGCC} -Wl,--end-group)
  set(ld_script ${CAIRN_ROOT}/kernel/arch/x86_64/image.ld)
  target_link_options(${name} PRIVATE
    -nostdlib -static -no-pie -Wl,--gc-sections -Wl,-T,${ld_script}
    -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none
    # The link map tells `cairn size` what each library contributes.
    -Wl,-Map=$<TARGET_FILE:${name}>.map)
  # -nostdlib links every language alike, so the driver only decides which implicit
  # libraries CMake appends. With the C driver in a directory where C++ is enabled it
  # would append the C++ runtime (-lstdc++ -lm) for the kernel's C++ objects, and any
  # symbol the image lacks would silently come from the host's glibc libraries: use the
  # C++ driver there. A C-only application directory has no C++ link rule (and appends
  # nothing), so there the C driver links.
  if(DEFINED CMAKE_CXX_LINK_EXECUTABLE)
    set(link_language CXX)
  else()
    set(link_language C)
  endif()
  set_target_properties(${name} PROPERTIES LINK_DEPENDS ${ld_script}
                                           LINKER_LANGUAGE ${link_language})
  add_dependencies(${name} cairn_newlib_build)
  if(CONFIG_KSYMS)
    # Crash reports symbolize addresses from a table inside the image (tools/ksyms.py).
    add_custom_command(TARGET ${name} POST_BUILD
      COMMAND ${CAIRN_PYTHON} ${CAIRN_ROOT}/tools/ksyms.py $<TARGET_FILE:${name}>
      VERBATIM)
  endif()
  set_property(GLOBAL APPEND PROPERTY CAIRN_IMAGES ${name})
  # Libraries the app links into the image are ordinary CMake targets; once the whole
  # project is read, give each of them the image's compile flags.
  # (DEFER evaluates its arguments late; EVAL binds the image name now.)
  cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL _cairn_flag_linked_libraries [[${name}]])")

  set(cairn_tool ${CAIRN_ROOT}/tools/cairn)
  add_custom_target(run-${name}
    COMMAND ${cairn_tool} run $<TARGET_FILE:${name}>
    DEPENDS ${name} USES_TERMINAL VERBATIM)
  if(NOT TARGET run)
    add_custom_target(run)
    add_dependencies(run run-${name})
  endif()
endfunction()
