/* The signed manifest of what customers see and hear: kiosk.yaml and every layout and
 * voice file, each with its SHA-256, signed with branch IT's Ed25519 key (kioskctl sign).
 * The kiosk and kioskctl check verify it against IT's public key, which lives at a
 * root-owned path (docs/deploying.md), so that a screen changed on the machine cannot
 * tell a customer to hand over their PIN. */
#ifndef CONFIG_MANIFEST_H
#define CONFIG_MANIFEST_H

#include <stddef.h>

#include "config/config.h"

struct diag_list;

/* Beside kiosk.yaml. */
#define MANIFEST_NAME "kiosk.manifest"
#define MANIFEST_PK_LEN 32
#define MANIFEST_SK_LEN 64

/* The manifest's path for cfg (malloc'd). */
char *manifest_path(const struct kiosk_config *cfg);

/* Writes the manifest of cfg's files signed with sk; the number of files, or -1 with
 * err. */
int manifest_sign(const struct kiosk_config *cfg, const unsigned char *sk, char *err,
    size_t errlen);

/*
 * Checks the manifest's signature against pk, then every file against it: a missing,
 * changed or extra file, a path that leaves the configuration's three places, a
 * manifest cut short or signed by another key are each added to d by name. Returns the
 * number of files verified, or -1 when anything is wrong.
 */
int manifest_verify(const struct kiosk_config *cfg, const unsigned char pk[MANIFEST_PK_LEN],
    struct diag_list *d) __attribute__((warn_unused_result));

/*
 * Loads IT's public key from path, which must be a regular file owned by root and
 * writable by nobody else, in a directory of the same kind. 1 when loaded; 0 when there
 * is no such file (unsigned mode, for the demo); -1 with err otherwise.
 */
int manifest_trusted_key(const char *path, unsigned char pk[MANIFEST_PK_LEN], char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * The signature state of cfg, as the kiosk takes it at start and at reload and kioskctl
 * check reports it: 1 verified against IT's key at it_key (*nfiles files, the key's id in
 * id), 0 unsigned mode (no key there), -1 refused with each reason in d.
 */
int manifest_check(const struct kiosk_config *cfg, const char *it_key, struct diag_list *d,
    int *nfiles, char id[17]) __attribute__((warn_unused_result));

/* The first 8 bytes of a key in hex, to name it in messages. */
void manifest_key_id(const unsigned char pk[MANIFEST_PK_LEN], char out[17]);

#endif
