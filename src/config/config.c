#include "config/config.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "config/config-int.h"
#include "config/schema.h"
#include "config/text.h"
#include "config/yaml_tree.h"
#include "kiosk/proto.h"
#include "largeprint/largeprint.h"

#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_IDLE 60
#define DEFAULT_WARNING 20
#define DEFAULT_PIN 90
#define DEFAULT_TAKE 30
#define DEFAULT_SPEECH_PERCENT 200
#define DEFAULT_RATE 160
#define DEFAULT_VOLUME 100
/* A tremor's second strike comes within about half a second (EN 301 549 5.8). */
#define DEFAULT_DOUBLE_STRIKE_MS 500
/* Fraud protection: the amounts in yuan, the cooling-off in seconds. */
#define DEFAULT_LARGE_AMOUNT 5000
#define DEFAULT_COOLING_OFF 15
#define DEFAULT_WITHDRAWAL_WARNING 2000
#define DEFAULT_STAFF_WAIT_MAX 300

static const char *const top_known[] = { "kiosk_id", "languages", "adapter", "kiosk_key",
	"layouts", "voice", "devices", "timeouts", "audio", "speech", "keymap", "log", "demo",
	"journal", "blank_screen", "large_print", "function_keys", "keypad", "transfer",
	"fraud", "staff", NULL };
static const char *const top_required[] = { "kiosk_id", "languages", "adapter", "kiosk_key",
	"layouts", "voice", "devices", "speech", NULL };

/* A binding being built, with the kiosk.yaml node it came from (NULL: a default). */
struct binding {
	enum key_fn fn;
	const char *key;
	const struct ynode *node;
	const char *path;
};

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* A path setting: a string resolved against kiosk.yaml's directory. */
static int
get_path(struct yctx *c, const struct kiosk_config *cfg, const struct ynode *n,
    const char *path, char **out)
{
	char *s = NULL;
	if (yget_string(c, n, path, &s) == -1)
		return -1;
	free(*out);
	*out = path_relative_to(cfg->path, s);
	free(s);
	return 0;
}

static int
check_file(struct yctx *c, const struct ynode *n, const char *path, const char *file,
    int secret)
{
	struct stat st;

	if (stat(file, &st) == -1) {
		if (errno == ENOENT)
			yerr(c, n, "%s: file not found: %s", path, file);
		else
			yerr(c, n, "%s: cannot use %s: %s", path, file, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		yerr(c, n, "%s: not a regular file: %s", path, file);
	else if (secret && (st.st_mode & 077) != 0)
		yerr(c, n, "%s: %s can be read by other users; make it private (chmod 600)",
		    path, file);
	else
		return 0;
	return -1;
}

static int
check_dir(struct yctx *c, const struct ynode *n, const char *path, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == -1) {
		if (errno == ENOENT)
			yerr(c, n, "%s: directory not found: %s", path, dir);
		else
			yerr(c, n, "%s: cannot use %s: %s", path, dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		yerr(c, n, "%s: not a directory: %s", path, dir);
		return -1;
	}
	return 0;
}

/* A key file is read by the same function the kiosk loads it with at start, so that a
 * key cut short or garbled is refused here, at its setting, and not only by the kiosk. */
static void
check_key(struct yctx *c, const struct ynode *n, const char *path, const char *file,
    int secret)
{
	unsigned char pk[KPROTO_PK_LEN], *sk = NULL;
	char err[256];
	int r;

	if (check_file(c, n, path, file, secret) == -1)
		return;
	if (sodium_init() < 0) {
		yerr(c, n, "%s: cannot check %s: libsodium failed to start", path, file);
		return;
	}
	if (!secret)
		r = kproto_key_load_public(file, pk, err, sizeof err);
	else if ((sk = sodium_malloc(KPROTO_SK_LEN)) != NULL)
		r = kproto_key_load_secret(file, sk, err, sizeof err);
	else {
		snprintf(err, sizeof err, "%s: out of secure memory", file);
		r = KPROTO_E_NOMEM;
	}
	sodium_free(sk);
	if (r != KPROTO_OK)
		yerr(c, n, "%s: %s", path, err);
}

/* A file the kiosk creates or appends to (log, journal): its directory must be there,
 * and the name must not be a directory. */
static void
check_file_in_dir(struct yctx *c, const struct ynode *n, const char *path, const char *file)
{
	struct stat st;

	if (stat(file, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			yerr(c, n, "%s: %s is a directory; name a file in it", path, file);
		return;
	}
	char *dir = dir_of(file);
	check_dir(c, n, path, dir);
	free(dir);
}

static void
check_socket(struct yctx *c, const struct ynode *n, const char *path, const char *sock)
{
	struct sockaddr_un sun;

	if (strlen(sock) >= sizeof sun.sun_path)
		yerr(c, n, "%s: path too long for a socket (%zu bytes, at most %zu): %s", path,
		    strlen(sock), sizeof sun.sun_path - 1, sock);
}

/* A socket the kiosk itself creates: its directory must be there. */
static void
check_listen_socket(struct yctx *c, const struct ynode *n, const char *path,
    const char *sock)
{
	char *dir = dir_of(sock);

	check_socket(c, n, path, sock);
	check_dir(c, n, path, dir);
	free(dir);
}

static void
read_kiosk_id(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	if (yget_string(c, n, "kiosk_id", &cfg->kiosk_id) == -1)
		return;
	size_t len = strlen(cfg->kiosk_id);
	int ok = len <= 32;
	for (size_t i = 0; ok && i < len; i++) {
		char ch = cfg->kiosk_id[i];
		ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
	}
	if (!ok)
		yerr(c, n, "kiosk_id: use at most 32 letters, digits, \"-\" or \"_\", not \"%s\"",
		    cfg->kiosk_id);
}

static void
read_languages(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "offered", "default", NULL };
	char p[64];

	if (ymap_check(c, n, "languages", known, known) == -1)
		return;
	const struct ynode *offered = ymap_get(n, "offered"), *def = ymap_get(n, "default");
	if (offered != NULL && yexpect_sequence(c, offered, "languages.offered") == 0) {
		cfg->where_languages.line = offered->line;
		cfg->where_languages.column = offered->column;
		if (offered->nitems == 0)
			yerr(c, offered, "languages.offered: name at least one language");
		cfg->languages = xcalloc((size_t)offered->nitems + 1, sizeof *cfg->languages);
		for (int i = 0; i < offered->nitems; i++) {
			const struct ynode *l = offered->items[i];
			char *code = NULL;
			ypath_index(p, sizeof p, "languages.offered", i + 1);
			if (yget_string(c, l, p, &code) == -1)
				continue;
			if (!lang_code_valid(code))
				yerr(c, l, "%s: \"%s\" is not a language code (like zh or en)", p, code);
			else if (config_offers(cfg, code))
				yerr(c, l, "%s: \"%s\" is offered twice", p, code);
			else {
				cfg->languages[cfg->nlanguages++] = code;
				continue;
			}
			free(code);
		}
	}
	if (def != NULL && yget_string(c, def, "languages.default", &cfg->default_language) == 0 &&
	    offered != NULL && offered->type == YNODE_SEQUENCE &&
	    !config_offers(cfg, cfg->default_language)) {
		char list[128] = "";
		size_t len = 0;
		for (int i = 0; i < cfg->nlanguages && len < sizeof list; i++)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
			    i ? ", " : "", cfg->languages[i]);
		yerr(c, def, "languages.default: \"%s\" is not one of the offered languages (%s)",
		    cfg->default_language, list);
	}
}

static void
read_adapter(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "socket", "public_key", "timeout_ms", NULL };
	static const char *const required[] = { "socket", "public_key", NULL };
	const struct ynode *v;
	long l;

	if (ymap_check(c, n, "adapter", known, required) == -1)
		return;
	if ((v = ymap_get(n, "socket")) != NULL &&
	    get_path(c, cfg, v, "adapter.socket", &cfg->adapter_socket) == 0)
		check_socket(c, v, "adapter.socket", cfg->adapter_socket);
	if ((v = ymap_get(n, "public_key")) != NULL &&
	    get_path(c, cfg, v, "adapter.public_key", &cfg->adapter_public_key) == 0)
		check_key(c, v, "adapter.public_key", cfg->adapter_public_key, 0);
	if ((v = ymap_get(n, "timeout_ms")) != NULL &&
	    yget_int(c, v, "adapter.timeout_ms", CONFIG_TIMEOUT_MS_MIN, CONFIG_TIMEOUT_MS_MAX,
	    &l) == 0)
		cfg->adapter_timeout_ms = (int)l;
}

static void
read_devices(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "socket", NULL };
	const struct ynode *v;

	if (ymap_check(c, n, "devices", known, known) == -1)
		return;
	if ((v = ymap_get(n, "socket")) != NULL &&
	    get_path(c, cfg, v, "devices.socket", &cfg->device_socket) == 0)
		check_listen_socket(c, v, "devices.socket", cfg->device_socket);
}

static void
read_timeouts(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "idle", "warning", "pin", "take", "speech_percent",
		NULL };
	static const char *const names[] = { "idle", "pin", "take" };
	int *const vals[] = { &cfg->timeout_idle, &cfg->timeout_pin, &cfg->timeout_take };
	const struct ynode *nodes[3], *warn;
	char p[64];
	long l;

	if (ymap_check(c, n, "timeouts", known, NULL) == -1)
		return;
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		nodes[i] = ymap_get(n, names[i]);
		ypath_key(p, sizeof p, "timeouts", names[i]);
		if (nodes[i] != NULL && yget_int(c, nodes[i], p, CONFIG_SECONDS_MIN,
		    CONFIG_SECONDS_MAX, &l) == 0)
			*vals[i] = (int)l;
		else if (nodes[i] != NULL)
			nodes[i] = NULL; /* reported; compare against the default */
	}
	/* Listening to a screen takes longer than reading it. */
	const struct ynode *sp = ymap_get(n, "speech_percent");
	if (sp != NULL && yget_int(c, sp, "timeouts.speech_percent", 100, 500, &l) == 0)
		cfg->timeout_speech_percent = (int)l;
	warn = ymap_get(n, "warning");
	if (warn != NULL) {
		if (yget_int(c, warn, "timeouts.warning", 1, CONFIG_SECONDS_MAX, &l) == -1)
			return;
		cfg->timeout_warning = (int)l;
	}
	/* The warning comes before every timeout, so it must fit inside each of them. */
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (cfg->timeout_warning < *vals[i])
			continue;
		const struct ynode *at = warn ? warn : nodes[i];
		if (at == NULL)
			continue;
		yerr(c, at, "timeouts.warning: %d must be less than timeouts.%s (%d)",
		    cfg->timeout_warning, names[i], *vals[i]);
		break;
	}
}

static void
read_keypad(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "double_strike_ms", NULL };
	const struct ynode *v;
	long l;

	if (ynode_is_null(n) || ymap_check(c, n, "keypad", known, NULL) == -1)
		return;
	if ((v = ymap_get(n, "double_strike_ms")) != NULL && yget_int(c, v,
	    "keypad.double_strike_ms", 0, CONFIG_DOUBLE_STRIKE_MS_MAX, &l) == 0)
		cfg->double_strike_ms = (int)l;
}

/* An amount in whole yuan, as the layouts' fast cash is, kept in fen. */
static void
get_yuan(struct yctx *c, const struct ynode *n, const char *path, int64_t *fen)
{
	long l;
	if (yget_int(c, n, path, 1, CONFIG_AMOUNT_YUAN_MAX, &l) == 0)
		*fen = (int64_t)l * 100;
}

static void
read_transfer(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "large_amount", NULL };
	const struct ynode *v;

	if (ynode_is_null(n) || ymap_check(c, n, "transfer", known, NULL) == -1)
		return;
	if ((v = ymap_get(n, "large_amount")) != NULL)
		get_yuan(c, v, "transfer.large_amount", &cfg->transfer_large_fen);
}

static void
read_fraud(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "cooling_off", "withdrawal_warning", NULL };
	const struct ynode *v;
	long l;

	if (ynode_is_null(n) || ymap_check(c, n, "fraud", known, NULL) == -1)
		return;
	if ((v = ymap_get(n, "cooling_off")) != NULL && yget_int(c, v, "fraud.cooling_off",
	    CONFIG_COOLING_OFF_MIN, CONFIG_COOLING_OFF_MAX, &l) == 0)
		cfg->fraud_cooling_off = (int)l;
	if ((v = ymap_get(n, "withdrawal_warning")) != NULL)
		get_yuan(c, v, "fraud.withdrawal_warning", &cfg->fraud_withdrawal_fen);
}

static void
read_staff(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "wait_max", NULL };
	const struct ynode *v;
	long l;

	if (ynode_is_null(n) || ymap_check(c, n, "staff", known, NULL) == -1)
		return;
	if ((v = ymap_get(n, "wait_max")) != NULL && yget_int(c, v, "staff.wait_max",
	    CONFIG_STAFF_WAIT_MIN, CONFIG_STAFF_WAIT_MAX, &l) == 0)
		cfg->staff_wait_max = (int)l;
}

static void
read_audio(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "output", NULL };
	const struct ynode *v;
	char *s = NULL;

	if (ymap_check(c, n, "audio", known, NULL) == -1)
		return;
	if ((v = ymap_get(n, "output")) == NULL ||
	    yget_string(c, v, "audio.output", &s) == -1)
		return;
	cfg->where_audio = (struct config_where){ v->line, v->column };
	if (strcmp(s, "alsa") == 0 || strcmp(s, "none") == 0) {
		free(cfg->audio);
		cfg->audio = s;
		return;
	}
	if (strncmp(s, "alsa:", 5) == 0 && s[5] != '\0' && strpbrk(s, " \t") == NULL) {
		free(cfg->audio);
		cfg->audio = s;
		return;
	}
	if (strncmp(s, "wav:", 4) == 0 && s[4] != '\0') {
		char *file = path_relative_to(cfg->path, s + 4);
		char *dir = dir_of(file);
		struct stat st;
		if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
			yerr(c, v, "audio.output: directory not found for the WAV file: %s", dir);
		else if (access(dir, W_OK | X_OK) == -1)
			yerr(c, v, "audio.output: cannot write the WAV file in %s: %s", dir,
			    strerror(errno));
		free(cfg->audio);
		cfg->audio = xmalloc(strlen(file) + 5);
		memcpy(cfg->audio, "wav:", 4);
		memcpy(cfg->audio + 4, file, strlen(file) + 1);
		free(file);
		free(dir);
		free(s);
		return;
	}
	yerr(c, v, "audio.output: expected alsa, alsa:DEVICE, wav:FILE or none, found \"%s\"", s);
	free(s);
}

static void
read_large_print(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	static const char *const known[] = { "theme", "font", "cell_height_mm",
		"viewing_distance_mm", NULL };
	const char *names[8] = {0};
	const struct ynode *v;
	char *s = NULL;

	if (ynode_is_null(n))
		return; /* "large_print:" with every entry commented out */
	if (ymap_check(c, n, "large_print", known, NULL) == -1)
		return;
	if ((v = ymap_get(n, "theme")) != NULL &&
	    yget_string(c, v, "large_print.theme", &s) == 0) {
		cfg->where_lp_theme = (struct config_where){ v->line, v->column };
		if (lp_theme_find(s) != NULL) {
			free(cfg->lp_theme);
			cfg->lp_theme = s;
		} else {
			char list[256] = "";
			size_t len = 0;
			int nt = lp_theme_count();
			for (int i = 0; i < nt && i < (int)ARRAY_LEN(names) - 1; i++) {
				names[i] = lp_theme_at(i)->name;
				if (len < sizeof list)
					len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
					    i ? ", " : "", names[i]);
			}
			const char *close = ysuggest(s, names);
			if (close != NULL)
				yerr(c, v, "large_print.theme: unknown theme \"%s\" (did you mean "
				    "\"%s\"?); the themes are %s", s, close, list);
			else
				yerr(c, v, "large_print.theme: unknown theme \"%s\"; the themes are %s",
				    s, list);
			free(s);
		}
	}
	/* A missing font is no reason to refuse to start: kioskctl check warns of it. */
	if ((v = ymap_get(n, "font")) != NULL &&
	    get_path(c, cfg, v, "large_print.font", &cfg->lp_font) == 0)
		cfg->where_lp_font = (struct config_where){ v->line, v->column };
	if ((v = ymap_get(n, "cell_height_mm")) != NULL)
		yget_number(c, v, "large_print.cell_height_mm", CONFIG_CELL_MM_MIN,
		    CONFIG_CELL_MM_MAX, &cfg->lp_cell_height_mm);
	if ((v = ymap_get(n, "viewing_distance_mm")) != NULL)
		yget_number(c, v, "large_print.viewing_distance_mm", CONFIG_DISTANCE_MM_MIN,
		    CONFIG_DISTANCE_MM_MAX, &cfg->lp_viewing_distance_mm);
}

static int
voice_name_valid(const char *s)
{
	for (; *s != '\0'; s++) {
		char ch = *s;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '+' || ch == '/'))
			return 0;
	}
	return 1;
}

static void
read_speech_lang(struct yctx *c, struct speech_lang *sl, const struct ynode *n,
    const char *path)
{
	static const char *const known[] = { "voice", "rate", "volume", NULL };
	static const char *const required[] = { "voice", NULL };
	const struct ynode *v;
	char p[64];
	long l;

	if (ymap_check(c, n, path, known, required) == -1)
		return;
	if ((v = ymap_get(n, "voice")) != NULL) {
		sl->where_voice = (struct config_where){ v->line, v->column };
		ypath_key(p, sizeof p, path, "voice");
		if (yget_string(c, v, p, &sl->voice) == 0 && !voice_name_valid(sl->voice))
			yerr(c, v, "%s: \"%s\" is not an espeak-ng voice name", p, sl->voice);
	}
	if ((v = ymap_get(n, "rate")) != NULL) {
		ypath_key(p, sizeof p, path, "rate");
		if (yget_int(c, v, p, CONFIG_RATE_MIN, CONFIG_RATE_MAX, &l) == 0)
			sl->rate = (int)l;
	}
	if ((v = ymap_get(n, "volume")) != NULL) {
		ypath_key(p, sizeof p, path, "volume");
		if (yget_int(c, v, p, CONFIG_VOLUME_MIN, CONFIG_VOLUME_MAX, &l) == 0)
			sl->volume = (int)l;
	}
}

static void
read_speech(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	char p[64];

	if (yexpect_mapping(c, n, "speech") == -1)
		return;
	cfg->speech = xcalloc((size_t)cfg->nlanguages + 1, sizeof *cfg->speech);
	for (int i = 0; i < n->npairs; i++) {
		const struct ynode *k = n->pairs[i].key;
		ypath_key(p, sizeof p, "speech", k->value);
		if (!lang_code_valid(k->value)) {
			yerr(c, k, "%s: \"%s\" is not a language code (like zh or en)", p, k->value);
			continue;
		}
		for (int j = 0; j < i; j++) {
			if (strcmp(n->pairs[j].key->value, k->value) == 0) {
				yerr(c, k, "%s: duplicate key (first at line %d)", p,
				    n->pairs[j].key->line);
				break;
			}
		}
	}
	for (int i = 0; i < cfg->nlanguages; i++) {
		const struct ynode *v = ymap_get(n, cfg->languages[i]);
		if (v == NULL) {
			yerr(c, n, "speech: missing settings for language \"%s\"", cfg->languages[i]);
			continue;
		}
		struct speech_lang *sl = &cfg->speech[cfg->nspeech];
		*sl = (struct speech_lang){ .rate = DEFAULT_RATE, .volume = DEFAULT_VOLUME };
		snprintf(sl->lang, sizeof sl->lang, "%s", cfg->languages[i]);
		ypath_key(p, sizeof p, "speech", cfg->languages[i]);
		read_speech_lang(c, sl, v, p);
		if (sl->voice != NULL)
			cfg->nspeech++;
	}
	/* Settings for languages not offered are checked but not kept, so that a language
	 * can be switched off in languages.offered alone. */
	for (int i = 0; i < n->npairs; i++) {
		const struct ynode *k = n->pairs[i].key;
		if (!lang_code_valid(k->value) || config_offers(cfg, k->value) ||
		    ymap_get(n, k->value) != n->pairs[i].value)
			continue;
		struct speech_lang tmp = {0};
		ypath_key(p, sizeof p, "speech", k->value);
		read_speech_lang(c, &tmp, n->pairs[i].value, p);
		free(tmp.voice);
	}
}

/* Bindings grow by doubling: a keymap may list thousands of keys. */
struct bindings {
	struct binding *b;
	int n, cap;
};

static void
add_binding(struct bindings *l, enum key_fn fn, const char *key, const struct ynode *node,
    const char *path)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->b = xrealloc(l->b, (size_t)l->cap * sizeof *l->b);
	}
	l->b[l->n++] = (struct binding){ fn, key, node, path };
}

static void
read_keymap(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	const char *fnames[KEYFN_COUNT + 1];
	char paths[KEYFN_COUNT][32];
	int replaced[KEYFN_COUNT] = {0}, first[KEYNAME_COUNT];
	struct bindings l = {0};
	int ndef;
	const struct keymap_default *defs = keymap_defaults(&ndef);

	for (int i = 0; i < KEYFN_COUNT; i++) {
		fnames[i] = keyfn_to_str((enum key_fn)i);
		snprintf(paths[i], sizeof paths[i], "keymap.%s", fnames[i]);
	}
	fnames[KEYFN_COUNT] = NULL;

	if (n != NULL && ynode_is_null(n))
		n = NULL; /* "keymap:" with every entry commented out */
	if (n != NULL && yexpect_mapping(c, n, "keymap") == -1)
		n = NULL;
	for (int i = 0; n != NULL && i < n->npairs; i++) {
		const struct ynode *k = n->pairs[i].key, *v = n->pairs[i].value;
		char p[128];
		ypath_key(p, sizeof p, "keymap", k->value);
		enum key_fn fn = keyfn_from_str(k->value);
		if (fn == KEYFN_NONE) {
			const char *s = ysuggest(k->value, fnames);
			if (s != NULL)
				yerr(c, k, "%s: unknown key function (did you mean \"%s\"?)", p, s);
			else
				yerr(c, k, "%s: unknown key function", p);
			continue;
		}
		if (replaced[fn]) {
			yerr(c, k, "%s: duplicate key (first at line %d)", p, replaced[fn]);
			continue;
		}
		replaced[fn] = k->line;
		const struct ynode *const *keys = (const struct ynode *const *)&v;
		int nkeys = 1;
		if (v->type == YNODE_SEQUENCE) {
			keys = (const struct ynode *const *)v->items;
			nkeys = v->nitems;
			if (nkeys == 0)
				yerr(c, v, "%s: needs at least one key", p);
		} else if (v->type != YNODE_SCALAR || ynode_is_null(v)) {
			yerr(c, v, "%s: expected a list of key names, found %s", p,
			    ynode_type_str(v));
			continue;
		}
		for (int j = 0; j < nkeys; j++) {
			const struct ynode *kn = keys[j];
			if (kn->type != YNODE_SCALAR || ynode_is_null(kn)) {
				yerr(c, kn, "%s: expected a key name, found %s", p, ynode_type_str(kn));
				continue;
			}
			if (!keyname_valid(kn->value)) {
				yerr(c, kn, "%s: unknown key name \"%s\"", p, kn->value);
				continue;
			}
			add_binding(&l, fn, kn->value, kn, paths[fn]);
		}
	}
	for (int i = 0; i < ndef; i++) {
		if (replaced[defs[i].fn])
			continue;
		for (int j = 0; j < 4 && defs[i].keys[j] != NULL; j++)
			add_binding(&l, defs[i].fn, defs[i].keys[j], NULL, paths[defs[i].fn]);
	}

	/* One key, one function: report each clash once, at the binding kiosk.yaml made.
	 * first[] holds the binding that has each key name so far, so one pass does it. */
	const struct binding *b = l.b;
	int nb = l.n;
	int *dropped = xcalloc((size_t)nb + 1, sizeof *dropped);
	for (int i = 0; i < KEYNAME_COUNT; i++)
		first[i] = -1;
	for (int j = 0; j < nb; j++) {
		int key = keyname_index(b[j].key); /* valid: checked above, or a default */
		if (key < 0)
			continue;
		int *slot = &first[key];
		if (*slot < 0) {
			*slot = j;
			continue;
		}
		int i = *slot;
		const struct binding *at = b[j].node ? &b[j] : &b[i];
		const struct binding *other = at == &b[j] ? &b[i] : &b[j];
		if (b[i].fn == b[j].fn)
			yerr(c, at->node, "%s: key \"%s\" is listed twice", at->path, at->key);
		else
			yerr(c, at->node, "%s: key \"%s\" is already bound to %s%s", at->path,
			    at->key, keyfn_to_str(other->fn),
			    other->node ? "" : " by default; rebind that function too");
		dropped[j] = 1;
	}
	cfg->keys = xcalloc((size_t)nb + 1, sizeof *cfg->keys);
	for (int i = 0; i < nb; i++) {
		if (dropped[i])
			continue;
		cfg->keys[cfg->nkeys].fn = b[i].fn;
		cfg->keys[cfg->nkeys].key = xstrdup(b[i].key);
		cfg->nkeys++;
	}
	free(dropped);
	free(l.b);
}

static void
read_root(struct yctx *c, struct kiosk_config *cfg, const struct ynode *root)
{
	const struct ynode *v;

	if (ymap_check(c, root, "", top_known, top_required) == -1)
		return;
	if ((v = ymap_get(root, "kiosk_id")) != NULL)
		read_kiosk_id(c, cfg, v);
	if ((v = ymap_get(root, "languages")) != NULL)
		read_languages(c, cfg, v);
	if ((v = ymap_get(root, "adapter")) != NULL)
		read_adapter(c, cfg, v);
	if ((v = ymap_get(root, "kiosk_key")) != NULL &&
	    get_path(c, cfg, v, "kiosk_key", &cfg->kiosk_key) == 0)
		check_key(c, v, "kiosk_key", cfg->kiosk_key, 1);
	if ((v = ymap_get(root, "layouts")) != NULL) {
		cfg->where_layouts = (struct config_where){ v->line, v->column };
		if (get_path(c, cfg, v, "layouts", &cfg->layouts_dir) == 0)
			check_dir(c, v, "layouts", cfg->layouts_dir);
	}
	if ((v = ymap_get(root, "voice")) != NULL) {
		cfg->where_voice = (struct config_where){ v->line, v->column };
		if (get_path(c, cfg, v, "voice", &cfg->voice_dir) == 0)
			check_dir(c, v, "voice", cfg->voice_dir);
	}
	if ((v = ymap_get(root, "devices")) != NULL)
		read_devices(c, cfg, v);
	if ((v = ymap_get(root, "timeouts")) != NULL)
		read_timeouts(c, cfg, v);
	if ((v = ymap_get(root, "audio")) != NULL)
		read_audio(c, cfg, v);
	if ((v = ymap_get(root, "speech")) != NULL)
		read_speech(c, cfg, v);
	read_keymap(c, cfg, ymap_get(root, "keymap"));
	if ((v = ymap_get(root, "log")) != NULL && !ynode_is_null(v) &&
	    get_path(c, cfg, v, "log", &cfg->log_file) == 0)
		check_file_in_dir(c, v, "log", cfg->log_file);
	if ((v = ymap_get(root, "demo")) != NULL)
		yget_bool(c, v, "demo", &cfg->demo);
	if ((v = ymap_get(root, "blank_screen")) != NULL)
		yget_bool(c, v, "blank_screen", &cfg->blank_screen);
	/* Left out, the journal is var/journal: its directory is checked all the same. */
	if ((v = ymap_get(root, "journal")) == NULL || ynode_is_null(v) ||
	    get_path(c, cfg, v, "journal", &cfg->journal) == 0)
		check_file_in_dir(c, v ? v : root, "journal", cfg->journal);
	if ((v = ymap_get(root, "large_print")) != NULL)
		read_large_print(c, cfg, v);
	if ((v = ymap_get(root, "function_keys")) != NULL)
		config_read_function_keys(c, cfg, v);
	if ((v = ymap_get(root, "keypad")) != NULL)
		read_keypad(c, cfg, v);
	if ((v = ymap_get(root, "transfer")) != NULL)
		read_transfer(c, cfg, v);
	if ((v = ymap_get(root, "fraud")) != NULL)
		read_fraud(c, cfg, v);
	if ((v = ymap_get(root, "staff")) != NULL)
		read_staff(c, cfg, v);
}

int
config_load(const char *path, struct kiosk_config *cfg, struct diag_list *d)
{
	struct yctx c = { .file = path, .d = d };
	struct ydoc doc;

	memset(cfg, 0, sizeof *cfg);
	cfg->path = xstrdup(path);
	cfg->dir = dir_of(path);
	cfg->adapter_timeout_ms = DEFAULT_TIMEOUT_MS;
	cfg->timeout_idle = DEFAULT_IDLE;
	cfg->timeout_warning = DEFAULT_WARNING;
	cfg->timeout_pin = DEFAULT_PIN;
	cfg->timeout_take = DEFAULT_TAKE;
	cfg->timeout_speech_percent = DEFAULT_SPEECH_PERCENT;
	cfg->double_strike_ms = DEFAULT_DOUBLE_STRIKE_MS;
	cfg->transfer_large_fen = (int64_t)DEFAULT_LARGE_AMOUNT * 100;
	cfg->fraud_cooling_off = DEFAULT_COOLING_OFF;
	cfg->staff_wait_max = DEFAULT_STAFF_WAIT_MAX;
	cfg->fraud_withdrawal_fen = (int64_t)DEFAULT_WITHDRAWAL_WARNING * 100;
	cfg->audio = xstrdup("alsa");
	cfg->journal = path_relative_to(path, "var/journal");
	cfg->lp_theme = xstrdup("white-on-black");
	cfg->lp_font = xstrdup(LP_UNIFONT_PATH);

	int r = ydoc_load(&doc, path, d);
	if (r == -2) {
		diag_add(d, path, 0, 0, "cannot read: %s", strerror(errno));
		ydoc_free(&doc);
		return -1;
	}
	if (r == -1) {
		ydoc_free(&doc);
		return -1;
	}
	int empty = doc.root == NULL;
	if (empty)
		diag_add(d, path, 1, 1, "the file is empty; expected the kiosk settings");
	else
		read_root(&c, cfg, doc.root);
	ydoc_free(&doc);
	return empty || c.errors > 0 ? -1 : 0;
}

void
config_free(struct kiosk_config *cfg)
{
	free(cfg->path);
	free(cfg->dir);
	free(cfg->kiosk_id);
	for (int i = 0; i < cfg->nlanguages; i++)
		free(cfg->languages[i]);
	free(cfg->languages);
	free(cfg->default_language);
	free(cfg->adapter_socket);
	free(cfg->adapter_public_key);
	free(cfg->kiosk_key);
	free(cfg->layouts_dir);
	free(cfg->voice_dir);
	free(cfg->device_socket);
	free(cfg->log_file);
	free(cfg->journal);
	free(cfg->lp_theme);
	free(cfg->lp_font);
	free(cfg->audio);
	for (int i = 0; i < cfg->nspeech; i++)
		free(cfg->speech[i].voice);
	free(cfg->speech);
	for (int i = 0; i < cfg->nkeys; i++)
		free(cfg->keys[i].key);
	free(cfg->keys);
	memset(cfg, 0, sizeof *cfg);
}

int
config_offers(const struct kiosk_config *cfg, const char *lang)
{
	for (int i = 0; i < cfg->nlanguages; i++)
		if (strcmp(cfg->languages[i], lang) == 0)
			return 1;
	return 0;
}

const struct speech_lang *
config_speech(const struct kiosk_config *cfg, const char *lang)
{
	for (int i = 0; i < cfg->nspeech; i++)
		if (strcmp(cfg->speech[i].lang, lang) == 0)
			return &cfg->speech[i];
	return NULL;
}

enum key_fn
config_key_fn(const struct kiosk_config *cfg, const char *keyname)
{
	for (int i = 0; i < cfg->nkeys; i++)
		if (strcmp(cfg->keys[i].key, keyname) == 0)
			return cfg->keys[i].fn;
	return KEYFN_NONE;
}
