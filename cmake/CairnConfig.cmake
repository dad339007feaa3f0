# find_package(Cairn): lets an application repository build unikernels against this
# checkout. Configure the app with -DCairn_DIR=<checkout>/cmake; see docs/app-repos.md.
if(CMAKE_VERSION VERSION_LESS 3.24)
  message(FATAL_ERROR "Cairn needs CMake 3.24 or newer (found ${CMAKE_VERSION}).")
endif()
# Cairn's components are C++ and assembly whatever the application is written in.
enable_language(C)
enable_language(CXX)
enable_language(ASM)
include(${CMAKE_CURRENT_LIST_DIR}/CairnUnikernel.cmake)
set(Cairn_VERSION 0.1.0)
