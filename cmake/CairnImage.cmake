# Targets that carry the image's compile flags, and cairn_add_component().
#
#   cairn_image_base    ABI flags, newlib + config headers (everything in an image)
#   cairn_kernel_flags  + freestanding C++ without exceptions/RTTI (Cairn's own code)
#   cairn_app_flags     + hosted C/C++ (applications: the compiler's usual library
#                         optimisations apply)
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/CairnFlags.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/CairnNewlib.cmake)

function(_cairn_define_flag_targets)
  add_library(cairn_image_base INTERFACE)
  set(stack_protector -fno-stack-protector)
  if(CONFIG_STACK_PROTECTOR_STRONG)
    set(stack_protector -fstack-protector-strong -mstack-protector-guard=global)
  elseif(CONFIG_STACK_PROTECTOR_ALL)
    set(stack_protector -fstack-protector-all -mstack-protector-guard=global)
  endif()
  # -nostdinc drops glibc's headers; the search path is rebuilt in this order: the C++
  # library headers and the shim (C++ only; their <cstdlib> etc. #include_next the C
  # headers, which must therefore come after them), newlib, then GCC's own headers.
  set(cxx "$<COMPILE_LANGUAGE:CXX>")
  target_compile_options(cairn_image_base INTERFACE
    ${CAIRN_IMAGE_ABI_FLAGS} ${stack_protector} -nostdinc
    "$<${cxx}:SHELL:-isystem $<JOIN:${CAIRN_CXX_HEADER_DIRS}, -isystem >>"
    "$<${cxx}:SHELL:-isystem ${CAIRN_ROOT}/libs/newlib/shim>"
    "SHELL:-isystem ${CAIRN_NEWLIB_DIR}/include"
    "SHELL:-isystem ${CAIRN_GCC_INCLUDE_DIR}"
    $<$<NOT:$<CONFIG:Debug>>:-O2> -g)
  target_include_directories(cairn_image_base INTERFACE ${CAIRN_CONFIG_INCLUDE_DIR})
  # C11 and C++20 unless a target asks for another standard. Flags, not compile
  # features: a C-only application that never enables C++ must still be able to use
  # these targets.
  target_compile_options(cairn_image_base INTERFACE
    "$<$<AND:$<COMPILE_LANGUAGE:C>,$<NOT:$<BOOL:$<TARGET_PROPERTY:C_STANDARD>>>>:-std=gnu11>"
    "$<$<AND:${cxx},$<NOT:$<BOOL:$<TARGET_PROPERTY:CXX_STANDARD>>>>:-std=gnu++20>")

  add_library(cairn_kernel_flags INTERFACE)
  target_link_libraries(cairn_kernel_flags INTERFACE cairn_image_base)
  target_compile_options(cairn_kernel_flags INTERFACE
    -Wall -Wextra -ffreestanding
    $<${cxx}:-fno-exceptions -fno-rtti -Wno-missing-field-initializers>)

  add_library(cairn_app_flags INTERFACE)
  target_link_libraries(cairn_app_flags INTERFACE cairn_image_base)
  # No C++ exceptions or RTTI until CONFIG_CXX_STDLIB brings libsupc++ and an unwinder.
  target_compile_options(cairn_app_flags INTERFACE $<${cxx}:-fno-exceptions -fno-rtti>)
endfunction()

if(NOT TARGET cairn_image_base)
  _cairn_define_flag_targets()
endif()

# cairn_add_component(<name> SOURCES ... [DEPENDS cairn::x ...])
#
# A component is the static library cairn::<name>, compiled with the kernel flags, with
# its public interface in <dir>/include. Every component that CMake adds is linked
# whole into each image (so its initcalls and driver descriptors register themselves);
# Kconfig decides which component directories are added at all.
function(cairn_add_component name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPENDS")
  set(target cairn_${name})
  add_library(${target} STATIC ${arg_SOURCES})
  add_library(cairn::${name} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  # The flags stay private: an application linking a component gets its headers, not
  # the kernel's freestanding compile options.
  target_link_libraries(${target} PRIVATE cairn_kernel_flags)
  # Components use each other's headers; at link time every component is in the image
  # whole anyway, so a link dependency would only conflict with WHOLE_ARCHIVE.
  foreach(dep IN LISTS arg_DEPENDS)
    target_include_directories(${target} PUBLIC $<TARGET_PROPERTY:${dep},INTERFACE_INCLUDE_DIRECTORIES>)
  endforeach()
  add_dependencies(${target} cairn_newlib_build)
  set_property(GLOBAL APPEND PROPERTY CAIRN_COMPONENTS ${target})
endfunction()
