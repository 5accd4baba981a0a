/* kioskctl keygen: Ed25519 key pairs for the bank link (kiosk and adapter). */
#ifndef CTL_KEYGEN_H
#define CTL_KEYGEN_H

/* argv[0] is "keygen". Returns the exit status: 0 done, 1 failed, 2 usage error. */
int ctl_keygen(int argc, char **argv);

#endif
