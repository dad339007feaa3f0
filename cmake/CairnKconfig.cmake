# CairnKconfig.cmake — runs Cairn's Kconfig engine (tools/kconfig/cairn_kconfig.py) at CMake
# configure time. See docs/configuration.md.
#
#   cairn_kconfig_configure(KCONFIG <root Kconfig> BINARY_DIR <dir>
#                           [FRAGMENTS <f1> <f2> ...] [APP_KCONFIG <file>])
#
# writes <dir>/.config, <dir>/include/cairn/config.h and <dir>/cairn_config.cmake, then sets in
# the caller's scope: every enabled CONFIG_<NAME> (bools as "y"; n symbols stay unset),
# CAIRN_CONFIG_SYMBOLS (their names), CAIRN_CONFIG_INCLUDE_DIR (<dir>/include),
# CAIRN_CONFIG_HEADER and CAIRN_CONFIG_FILE. It adds the targets menuconfig, defconfig,
# olddefconfig and savedefconfig unless targets of those names already exist.
#
#   cairn_kconfig_find_python(<var>)
#
# sets <var> to a Python that can import Kconfiglib ($CAIRN_PYTHON, /usr/bin/python3, python3 on
# PATH, first that works), cached as CAIRN_KCONFIG_PYTHON.

include_guard(GLOBAL)

# Functions run with the caller's CMAKE_CURRENT_LIST_DIR, so remember where the engine is now.
get_filename_component(_cairn_kconfig_tool
                       "${CMAKE_CURRENT_LIST_DIR}/../tools/kconfig/cairn_kconfig.py" ABSOLUTE)
set_property(GLOBAL PROPERTY CAIRN_KCONFIG_TOOL "${_cairn_kconfig_tool}")
unset(_cairn_kconfig_tool)

function(_cairn_kconfig_python_works python result_var)
  execute_process(COMMAND "${python}" -c "import kconfiglib"
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(rc EQUAL 0)
    set(${result_var} TRUE PARENT_SCOPE)
  else()
    set(${result_var} FALSE PARENT_SCOPE)
  endif()
endfunction()

function(cairn_kconfig_find_python out_var)
  set(candidates)
  # A cached choice (or -DCAIRN_KCONFIG_PYTHON=...) comes first, but is re-checked each time:
  # a stale cache entry should fall back to the search rather than fail later.
  if(CAIRN_KCONFIG_PYTHON)
    list(APPEND candidates "${CAIRN_KCONFIG_PYTHON}")
  endif()
  if(NOT "$ENV{CAIRN_PYTHON}" STREQUAL "")
    list(APPEND candidates "$ENV{CAIRN_PYTHON}")
  endif()
  list(APPEND candidates /usr/bin/python3)
  # A pyenv or venv python3 on PATH usually lacks Debian's python3-kconfiglib, hence last.
  find_program(_CAIRN_PATH_PYTHON3 NAMES python3)
  if(_CAIRN_PATH_PYTHON3)
    list(APPEND candidates "${_CAIRN_PATH_PYTHON3}")
  endif()
  unset(_CAIRN_PATH_PYTHON3 CACHE)

  foreach(python IN LISTS candidates)
    _cairn_kconfig_python_works("${python}" works)
    if(works)
      set(CAIRN_KCONFIG_PYTHON "${python}" CACHE FILEPATH
          "Python interpreter that can import Kconfiglib" FORCE)
      set(${out_var} "${python}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "cairn: Kconfiglib not found; install python3-kconfiglib (make deps)")
endfunction()

# Shows the engine's output: stdout as status lines, stderr as one message of the given mode.
# Each stderr line is indented so CMake prints it verbatim instead of re-wrapping it, which
# keeps "FILE:LINE: error: ..., symbol CONFIG_X" on one line.
function(_cairn_kconfig_report mode title stdout stderr)
  string(REGEX REPLACE "\n$" "" stdout "${stdout}")
  if(NOT stdout STREQUAL "")
    # One message rather than a list of lines: a line may itself contain ';'.
    string(REPLACE "\n" "\n-- Kconfig: " stdout "${stdout}")
    message(STATUS "Kconfig: ${stdout}")
  endif()
  string(REGEX REPLACE "\n$" "" stderr "${stderr}")
  if(NOT stderr STREQUAL "")
    string(REPLACE "\n" "\n " stderr " ${stderr}")
    message(${mode} "${title}\n${stderr}")
  elseif(mode STREQUAL "FATAL_ERROR")
    message(FATAL_ERROR "${title}")
  endif()
endfunction()

function(cairn_kconfig_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "KCONFIG;BINARY_DIR;APP_KCONFIG" "FRAGMENTS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cairn_kconfig_configure: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_KCONFIG OR NOT arg_BINARY_DIR)
    message(FATAL_ERROR "cairn_kconfig_configure: KCONFIG and BINARY_DIR are required")
  endif()

  get_filename_component(kconfig "${arg_KCONFIG}" ABSOLUTE)
  get_filename_component(bin "${arg_BINARY_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  set(config "${bin}/.config")
  set(header "${bin}/include/cairn/config.h")
  set(include_file "${bin}/cairn_config.cmake")

  set(common_args --kconfig "${kconfig}" --config "${config}")
  set(depends "${kconfig}")
  if(arg_APP_KCONFIG)
    get_filename_component(app_kconfig "${arg_APP_KCONFIG}" ABSOLUTE)
    list(APPEND common_args --app-kconfig "${app_kconfig}")
    list(APPEND depends "${app_kconfig}")
  endif()
  set(fragment_args)
  foreach(fragment IN LISTS arg_FRAGMENTS)
    get_filename_component(fragment "${fragment}" ABSOLUTE)
    list(APPEND fragment_args --fragment "${fragment}")
    list(APPEND depends "${fragment}")
  endforeach()

  cairn_kconfig_find_python(python)
  get_property(tool GLOBAL PROPERTY CAIRN_KCONFIG_TOOL)
  list(APPEND depends "${tool}")
  # Recorded before running the engine, so that fixing a fragment re-runs CMake even if this
  # run fails.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${depends})

  execute_process(
    COMMAND "${python}" "${tool}" genconfig ${common_args} ${fragment_args}
            --header "${header}" --cmake "${include_file}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    _cairn_kconfig_report(FATAL_ERROR "Cairn configuration failed:" "${out}" "${err}")
  endif()
  _cairn_kconfig_report(WARNING "Cairn configuration warnings:" "${out}" "${err}")

  # Symbols that were set by an earlier call in this scope but are n now must not linger.
  foreach(name IN LISTS CAIRN_CONFIG_SYMBOLS)
    unset(${name} PARENT_SCOPE)
  endforeach()
  include("${include_file}")
  foreach(name IN LISTS CAIRN_CONFIG_SYMBOLS)
    set(${name} "${${name}}" PARENT_SCOPE)
  endforeach()
  set(CAIRN_CONFIG_SYMBOLS "${CAIRN_CONFIG_SYMBOLS}" PARENT_SCOPE)
  set(CAIRN_CONFIG_INCLUDE_DIR "${bin}/include" PARENT_SCOPE)
  set(CAIRN_CONFIG_HEADER "${header}" PARENT_SCOPE)
  set(CAIRN_CONFIG_FILE "${config}" PARENT_SCOPE)

  # Any change to the configuration or to the Kconfig files it came from re-runs CMake; that
  # is also how an edit made by the targets below reaches the build. The engine lists the
  # Kconfig files it actually parsed (following `source`), which is exact and cheaper than
  # globbing a tree that may hold unpacked third-party sources.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               "${config}" ${CAIRN_CONFIG_KCONFIG_FILES})

  _cairn_kconfig_add_targets("${python}" "${tool}" "${bin}" "${common_args}" "${fragment_args}")
endfunction()

function(_cairn_kconfig_add_targets python tool bin common_args fragment_args)
  set(run "${python}" "${tool}")
  if(NOT TARGET menuconfig)
    add_custom_target(menuconfig
      COMMAND ${run} menuconfig ${common_args}
      WORKING_DIRECTORY "${bin}"
      USES_TERMINAL VERBATIM)
  endif()
  if(NOT TARGET defconfig)
    add_custom_target(defconfig
      COMMAND ${run} defconfig ${common_args} ${fragment_args}
      WORKING_DIRECTORY "${bin}"
      COMMENT "Resetting ${bin}/.config to Kconfig defaults + fragments"
      VERBATIM)
  endif()
  if(NOT TARGET olddefconfig)
    add_custom_target(olddefconfig
      COMMAND ${run} olddefconfig ${common_args}
      WORKING_DIRECTORY "${bin}"
      VERBATIM)
  endif()
  if(NOT TARGET savedefconfig)
    add_custom_target(savedefconfig
      COMMAND ${run} savedefconfig ${common_args} --out "${bin}/defconfig"
      WORKING_DIRECTORY "${bin}"
      VERBATIM)
  endif()
endfunction()
