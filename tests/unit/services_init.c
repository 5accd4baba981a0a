/* The services' screens and messages belong to the layout contract the repository's
 * layouts are read against, in tests as in the kiosk and kioskctl: registered before
 * main(), so every test that reads them sees what the kiosk sees. */
#include "kiosk/registry.h"

__attribute__((constructor)) static void
services_init(void)
{
	registry_init();
}
