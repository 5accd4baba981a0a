/* Reload between customers. What a reload may change and what waits for a restart is
 * listed in docs/deploying.md; the restart-only settings of a new set are put back to
 * the running ones' values, so that nothing half-applies. */
#include "kiosk/reload.h"

#include "common/diag.h"
#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/signed.h"
#include "kiosk/states.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int
same_str(const char *a, const char *b)
{
	return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

static void
swap_str(char **a, char **b)
{
	char *t = *a;
	*a = *b;
	*b = t;
}

static int
same_speech(const struct kiosk_config *a, const struct kiosk_config *b)
{
	if (a->nspeech != b->nspeech)
		return 0;
	for (int i = 0; i < a->nspeech; i++)
		if (!same_str(a->speech[i].voice, b->speech[i].voice) ||
		    a->speech[i].rate != b->speech[i].rate ||
		    a->speech[i].volume != b->speech[i].volume)
			return 0;
	return 1;
}

static int
same_languages(const struct kiosk_config *a, const struct kiosk_config *b)
{
	if (a->nlanguages != b->nlanguages || !same_str(a->default_language,
	    b->default_language))
		return 0;
	for (int i = 0; i < a->nlanguages; i++)
		if (strcmp(a->languages[i], b->languages[i]) != 0)
			return 0;
	return 1;
}

/* The settings opened once at start stay in force until a restart: logged when a set is
 * accepted (swap 0), and at the swap (swap 1) the running values move into the new set,
 * whose own go with the old set's memory. Not before: until then the running set is the
 * one in force. */
static void
keep_running(struct kiosk_config *run, struct kiosk_config *next, int swap)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
		{ "kiosk_id", offsetof(struct kiosk_config, kiosk_id) },
		{ "adapter.socket", offsetof(struct kiosk_config, adapter_socket) },
		{ "adapter.public_key", offsetof(struct kiosk_config, adapter_public_key) },
		{ "kiosk_key", offsetof(struct kiosk_config, kiosk_key) },
		{ "devices.socket", offsetof(struct kiosk_config, device_socket) },
		{ "log", offsetof(struct kiosk_config, log_file) },
		{ "journal", offsetof(struct kiosk_config, journal) },
		{ "audio.output", offsetof(struct kiosk_config, audio) },
		{ "large_print.font", offsetof(struct kiosk_config, lp_font) },
	};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		char **a = (char **)((char *)run + strs[i].off);
		char **b = (char **)((char *)next + strs[i].off);
		if (same_str(*a, *b))
			continue;
		if (swap)
			swap_str(a, b);
		else
			log_warnx("reload: %s changed: takes effect at restart", strs[i].name);
	}
	if (!same_speech(run, next)) {
		if (!swap) {
			log_warnx("reload: speech voices, rates or volumes changed: take "
			    "effect at restart");
		} else {
			struct speech_lang *t = run->speech;
			int n = run->nspeech;
			run->speech = next->speech;
			run->nspeech = next->nspeech;
			next->speech = t;
			next->nspeech = n;
		}
	}
	if (run->demo != next->demo) {
		if (!swap)
			log_warnx("reload: demo changed: takes effect at restart");
		else
			next->demo = run->demo;
	}
}

static void
refuse(const struct diag_list *d, const char *what)
{
	for (int i = 0; i < d->count; i++)
		log_warnx("reload: refused: %s%s:%d:%d: %s", what, d->items[i].file,
		    d->items[i].line, d->items[i].column, d->items[i].message);
	log_warnx("reload: refused; the running configuration stays");
	trace_event("reload", "refused");
}

/* Nobody is being served: the kiosk waits at the welcome screen or out of service with
 * no card in and nothing open over it. */
static int
idle_now(const struct kiosk *k)
{
	return (k->state == &state_welcome || k->state == &state_out_of_service) &&
	    !k->s.card_in && k->overlay == OVERLAY_NONE;
}

void
kiosk_reload(struct kiosk *k)
{
	struct kiosk_setup *next = xcalloc(1, sizeof *next);
	struct diag_list d = {0};

	log_info("reload: reading %s", k->cfg->path);
	if (config_load_all(k->cfg->path, next, &d) != 0) {
		refuse(&d, "");
		goto drop;
	}
	int signature = signed_check(&next->cfg, k->it_key, &d);
	if (signature < 0 || (signature == 0 && k->signature > 0)) {
		if (signature == 0)
			diag_add(&d, k->it_key, 1, 1, "IT's public key is gone: the kiosk "
			    "started signed and stays so");
		refuse(&d, "signature: ");
		goto drop;
	}
	if (!same_languages(k->cfg, &next->cfg)) {
		diag_add(&d, next->cfg.path, next->cfg.where_languages.line,
		    next->cfg.where_languages.column, "languages changed: take effect at "
		    "restart, with this set");
		refuse(&d, "");
		goto drop;
	}
	keep_running(&k->setup->cfg, &next->cfg, 0);
	diag_free(&d);
	reload_forget(k);
	k->reload_next = next;
	log_info("reload: accepted%s; in effect at the next welcome screen",
	    signature > 0 ? ", verified against IT's public key" : " (unsigned mode)");
	trace_event("reload", "accepted");
	if (idle_now(k)) {
		reload_apply(k);
		state_enter(k, k->state); /* shown and said anew, from the new layouts */
	}
	return;
drop:
	diag_free(&d);
	kiosk_setup_free(next);
	free(next);
}

void
reload_apply(struct kiosk *k)
{
	struct kiosk_setup *old = k->setup;

	if (k->reload_next == NULL)
		return;
	keep_running(&old->cfg, &k->reload_next->cfg, 1);
	k->setup = k->reload_next;
	k->cfg = &k->setup->cfg;
	k->reload_next = NULL;
	kiosk_setup_free(old);
	free(old);
	log_info("reload: new configuration in effect");
	trace_event("reload", "applied");
}

void
reload_forget(struct kiosk *k)
{
	if (k->reload_next == NULL)
		return;
	kiosk_setup_free(k->reload_next);
	free(k->reload_next);
	k->reload_next = NULL;
}
