/* The lwIP interfaces of the image's network cards (one per packet device: eth0,
   eth1, ...), added at the `net` initcall level and addressed before main (DHCP or the
   net.* kernel options, docs/networking.md). lwIP names them "et" with its own number
   (lo0, et1, et2, ...); these map Cairn's card names onto them. Plain C, so C
   applications can use it. */
#ifndef CAIRN_LWIP_INTERFACES_H
#define CAIRN_LWIP_INTERFACES_H

#ifdef __cplusplus
extern "C" {
#endif

struct netif;

/* The netif of card `name` ("eth0"), or NULL. */
struct netif* cairn_lwip_find_netif(const char* name);
/* The card name of `netif` ("eth0"), or NULL when it is not a card's (lo0). */
const char* cairn_lwip_netif_name(const struct netif* netif);

#ifdef __cplusplus
}
#endif

#endif
