# The socket layer's pure parts under test: epoll's ready list (libs/poll), address
# text (checked against glibc's inet_pton/inet_ntop/inet_aton), sockaddr conversions and
# getaddrinfo's numeric path (compiled against glibc's <netdb.h>, which has the same
# Linux layout as Cairn's).
target_sources(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/libs/poll/src/epoll_set.cpp
  ${CAIRN_ROOT}/libs/lwip/src/inet_text.cpp ${CAIRN_ROOT}/libs/lwip/src/socket_address.cpp
  ${CAIRN_ROOT}/libs/lwip/src/netdb_core.cpp)
target_include_directories(cairn_unit_tests PRIVATE ${CAIRN_ROOT}/libs/poll/src
                                                    ${CAIRN_ROOT}/libs/lwip/src)
