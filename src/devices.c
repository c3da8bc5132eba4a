/*-------------------------------------------------------------------------
 *
 * devices.c
 *		The device a user agent is sent from, and whether it looks like a
 *		browser or an app at all.
 *
 * A documented rule set of tokens (docs/traffic.md, "Devices"), tried in
 * this order, the first that holds deciding:
 *
 *	 1. ctv: a television or a TV box (SMART-TV, Tizen TV, Web0S, HbbTV, Roku,
 *		CrKey, AppleTV/tvOS, BRAVIA, Android TV, Fire TV's AFT* models, "TV"
 *		as a word, a screen size after LED or TV, ...);
 *	 2. other: consoles, watches, media players, cars, headsets;
 *	 3. tablet: iPad, "Tablet", Kindle/Silk and Fire's KF* models, the tablet
 *		model codes of the large makers, "pad" and "tab" in a model's name,
 *		Windows on ARM with touch (Windows Phone, which says the same, is
 *		placed among the phones first);
 *	 4. mobile: phones (iPhone, "Mobile", Windows Phone, BlackBerry, Symbian,
 *		J2ME, ...); an Android agent without "Mobile" is a tablet when it is
 *		a browser's (Google's rule: phones' browsers send "Mobile"), a phone
 *		when it is an app's (Dalvik, an app's own agent);
 *	 5. desktop: Windows, Macintosh, X11, Linux, ChromeOS and the other
 *		desktop systems;
 *	 6. unknown: none of them.
 *
 * Matching is on the agent folded to ASCII lower case, by plain substring
 * scans and a few model-code shapes checked by hand: linear in the agent's
 * length, no regular expression, so a hostile 2 kB agent costs what a real
 * one does.  The same judgement says whether an agent looks like no known
 * browser or app (clickagg_agent_is_browser(); bots.c makes that the
 * non_browser verdict).
 *
 * Devices are judged once per dictionary key and kept by key in a bounded
 * cache, like the verdicts of bots.c: the cache starts again when the
 * dictionary's keys may have changed meaning (clickagg_dictionary_generation),
 * and forgets the keys a rolled-back part of a pass interned
 * (clickagg_devices_forget_agents, reached through bots.c).
 *
 * Locking: none; all memory here is backend-local.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "parser/scansup.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_device_of_sql);

/* The names of the codes, as clickagg.devices ships them. */
static const char *const device_names[DEVICE_MAX + 1] = {
	"unknown", "desktop", "mobile", "tablet", "ctv", "other"
};

typedef struct AgentDevice
{
	int32		ua_key;
	char		status;
	int16		device;
} AgentDevice;

#define SH_PREFIX devices
#define SH_ELEMENT_TYPE AgentDevice
#define SH_KEY_TYPE int32
#define SH_KEY ua_key
#define SH_HASH_KEY(tb, k) murmurhash32((uint32) (k))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Agents kept before the cache is emptied and starts again. */
#define DEVICE_CACHE_MAX	(1 << 20)

static MemoryContext devices_context = NULL;
static devices_hash *agent_devices = NULL;
static uint64 devices_dictionary_generation = 0;	/* the keys' meaning they were judged by */

/* Tokens of each step, in lower case (see the header comment). */
static const char *const tv_tokens[] = {
	"smart-tv", "smarttv", "smart tv", "smart_tv", "googletv", "google tv",
	"android tv", "androidtv", "appletv", "apple tv", "tvos", "crkey", "roku",
	"hbbtv", "web0s", "webos.tv", "webos tv", "netcast", "bravia", "sonydtv",
	"philipstv", "nettv", "viera", "vidaa", "vizio", "smartcast",
	"tv safari", "opera tv", "firetv", "fire tv", "chromecast", "mibox",
	"mi box", "netrange", "foxxum", "espial", "opentv", "inettvbrowser",
	"boxee", "dlna", "set-top", "settop", "tivo", "freebox", "tpvision",
	/* (added after the first held-out run, bench/devices/README.md) */
	"tv bro", "iptv", NULL
};

/* TV words: "tv" or "stb" as a whole word ("Rombica TV Fly") */
static const char *const tv_words[] = {
	"tv", "stb", NULL
};

/* Opera's TV browser (OMI/4.x), at the start of a word (not "Xiaomi/") */
static const char *const tv_starts[] = {
	"omi/", NULL
};

static const char *const other_tokens[] = {
	/* consoles */
	"playstation", "xbox", "nintendo", "wii;", "wiiu", "ouya", "(psp",
	/* watches */
	"watchos", "watch os", "wear os", "wearos", "smartwatch", "galaxy watch",
	/* media players, cars, headsets */
	"ipod", "qtcarbrowser", "tesla/", "automotive", "oculusbrowser", "oculus",
	"mobile vr", NULL
};

static const char *const tablet_tokens[] = {
	"ipad", "kindle", "silk/", "silk-accelerated", "playbook", "rim tablet",
	"touchpad", "nexus 7", "nexus 9", "nexus 10", "pixel c", "pixel tablet",
	"xoom", "mediapad", "matepad", "mi pad", "mipad", "xiaomi pad",
	"redmi pad", "lenovo tab", "ideatab", "yoga tab", "lenovo tb", "galaxy tab",
	"gt-n51", "gt-n80", "iconia", "transformer", "nook", "hp slate",
	/* (added after the first held-out run: Yandex's "apad" mark) */
	"/apad", NULL
};

/* "pad" in a model's name (FunPad, SKY PAD8), but not these phones */
static const char *const pad_phones[] = {
	"coolpad", "padfone", "phonepad", NULL
};

/* tablet words at the start of a word: "Tab 2", "VTAB7", "MID901" */
static const char *const tablet_words[] = {
	"tab", "vtab", "mid", NULL
};

/* Samsung's watches */
static const char *const watch_models[] = {
	"sm-r", NULL
};

/* model codes: the prefix at the start of a word, then a digit */
static const char *const tablet_models[] = {
	"sm-t", "sm-x", "sm-p", "gt-p", "sgp", "tb-x", "tb-j", "tb3-", "tb-8",
	"tb-7", NULL
};

static const char *const mobile_tokens[] = {
	"iphone", "mobile", "mobi", "phone", "blackberry", "bb10", "symbian",
	"symbos", "series60", "series 60", "series40", "nokia", "j2me", "midp",
	"cldc", "opera mini", "ucweb", "ucbrowser", "kaios", "windows ce",
	"palmos", "palmsource", "webos", "hpwos", "fennec", "maemo", "meego",
	"sailfish", "bada", "obigo", "netfront", "up.browser", "up.link",
	"openwave", "teleca", "docomo", "kddi", "softbank", "vodafone",
	"sonyericsson", "sagem", "tizen", NULL
};

/* phone makers' prefixes, at the start of a word */
static const char *const mobile_words[] = {
	"samsung-", "sie-", "mot-", "lg-", "zte", "alcatel", "huawei", "htc", "brew",
	NULL
};

static const char *const desktop_tokens[] = {
	"windows", "win98", "win95", "win 9x", "win32", "win64", "wow64", "winnt",
	"macintosh", "mac os", "mac_powerpc", "macos", "darwin", "x11", "linux",
	"ubuntu", "fedora", "debian", "freebsd", "netbsd", "openbsd",
	"dragonfly", "sunos", "solaris", "haiku", "beos", "os/2", "amigaos",
	"morphos", "hp-ux", "risc os", "electron/", NULL
};

/* short ones, at the start of a word ("cros", not "microsoft") */
static const char *const desktop_words[] = {
	"cros", "aix", "irix", NULL
};

/* Engines and browser products a browser's Mozilla/ agent names. */
static const char *const engine_tokens[] = {
	"applewebkit", "webkit", "gecko", "trident", "msie", "presto", "khtml",
	"edge/", "edg/", "goanna", "netfront", "opera", "blackberry", NULL
};

/* App agents that carry no name/version token. */
static const char *const app_tokens[] = {
	"instagram", "fban", "fbav", NULL
};

/* What a template or a placeholder leaves in an agent: never a browser. */
static const char *const template_tokens[] = {
	"{{", "}}", "${", "<%", "%>", "useragent", "user-agent", "user_agent",
	"user agent", NULL
};

static bool
has_any(const char *lower, const char *const *tokens)
{
	for (; *tokens != NULL; tokens++)
		if (strstr(lower, *tokens) != NULL)
			return true;
	return false;
}

/* Is p (inside lower) at the start of a word? */
static inline bool
word_start(const char *lower, const char *p)
{
	return p == lower || strchr(" ;(),/[_+=\"'", p[-1]) != NULL;
}

static bool
has_word(const char *lower, const char *const *words)
{
	for (; *words != NULL; words++)
	{
		const char *p = lower;

		while ((p = strstr(p, *words)) != NULL)
		{
			if (word_start(lower, p))
				return true;
			p++;
		}
	}
	return false;
}

/* Is one of words in lower as a whole word (not inside letters or digits)? */
static bool
has_whole_word(const char *lower, const char *const *words)
{
	for (; *words != NULL; words++)
	{
		size_t		n = strlen(*words);
		const char *p = lower;

		while ((p = strstr(p, *words)) != NULL)
		{
			if ((p == lower || !isalnum((unsigned char) p[-1])) && !isalnum((unsigned char) p[n]))
				return true;
			p++;
		}
	}
	return false;
}

/*
 * A word that starts with one of words and goes on with a digit, a space, a
 * "-" or "_", or ends: "tab 2", "vtab7", "mid901" (not "table", "middle").
 */
static bool
has_word_then(const char *lower, const char *const *words)
{
	for (; *words != NULL; words++)
	{
		size_t		n = strlen(*words);
		const char *p = lower;

		while ((p = strstr(p, *words)) != NULL)
		{
			if ((p == lower || !isalnum((unsigned char) p[-1])) && !isalpha((unsigned char) p[n]))
				return true;
			p++;
		}
	}
	return false;
}

/*
 * A screen size after "led" or "tv": "LED43", "H-LED32", "TV55", "tv-43"
 * (two digits, after an optional "-" or "_").
 */
static bool
has_screen_size(const char *lower)
{
	static const char *const marks[] = {"led", "tv", NULL};
	const char *const *m;

	for (m = marks; *m != NULL; m++)
	{
		size_t		n = strlen(*m);
		const char *p = lower;

		while ((p = strstr(p, *m)) != NULL)
		{
			const char *q = p + n;

			if (*q == '-' || *q == '_')
				q++;
			if (isdigit((unsigned char) q[0]) && isdigit((unsigned char) q[1]))
				return true;
			p++;
		}
	}
	return false;
}

/* "pad" in a model's name, not a phone's */
static bool
has_pad(const char *lower)
{
	const char *p = lower;

	while ((p = strstr(p, "pad")) != NULL)
	{
		const char *const *ph;
		bool		phone = false;

		for (ph = pad_phones; *ph != NULL && !phone; ph++)
		{
			size_t		n = strlen(*ph);
			const char *start = p - (strstr(*ph, "pad") - *ph);

			phone = start >= lower && strncmp(start, *ph, n) == 0;
		}
		if (!phone)
			return true;
		p++;
	}
	return false;
}

/* A model code: prefix at the start of a word, then a digit. */
static bool
has_model(const char *lower, const char *const *prefixes)
{
	for (; *prefixes != NULL; prefixes++)
	{
		size_t		n = strlen(*prefixes);
		const char *p = lower;

		while ((p = strstr(p, *prefixes)) != NULL)
		{
			if (word_start(lower, p) && isdigit((unsigned char) p[n]))
				return true;
			p++;
		}
	}
	return false;
}

/*
 * Amazon's model codes: prefix ("aft": Fire TV; "kf": Fire tablets) at the
 * start of a word, then a letter and up to 9 more letters (and digits, with
 * digits), then the end of the word (" build", ")", ";" ...): AFTMM, AFTS,
 * AFTEU011, KFTT, KFAPWI.  Not "after".
 */
static bool
has_amazon_model(const char *lower, const char *prefix, bool digits)
{
	size_t		n = strlen(prefix);
	const char *p = lower;

	while ((p = strstr(p, prefix)) != NULL)
	{
		const char *q = p + n;
		int			len = 0;

		if (word_start(lower, p) && *q >= 'a' && *q <= 'z' && strncmp(q, "er", 2) != 0)
		{
			while (((*q >= 'a' && *q <= 'z') || (digits && isdigit((unsigned char) *q))) && len <= 10)
			{
				q++;
				len++;
			}
			if (len <= 10 && (*q == '\0' || strchr(" );,/", *q) != NULL))
				return true;
		}
		p++;
	}
	return false;
}

/* A name/version token: a letter or digit, a slash, a digit ("Dalvik/2", "(28/9"). */
static bool
has_product(const char *lower)
{
	const char *p = lower;

	while ((p = strchr(p, '/')) != NULL)
	{
		if (p > lower && isalnum((unsigned char) p[-1]) && isdigit((unsigned char) p[1]))
			return true;
		p++;
	}
	return false;
}

/* The device of an agent folded to lower case (NUL-terminated). */
static int16
device_of_lower(const char *lower)
{
	bool		android;

	if (has_any(lower, tv_tokens) || has_amazon_model(lower, "aft", true) ||
		has_whole_word(lower, tv_words) || has_word(lower, tv_starts) || has_screen_size(lower))
		return DEVICE_CTV;
	if (has_any(lower, other_tokens) || has_model(lower, watch_models))
		return DEVICE_OTHER;
	/* Windows Phone's desktop mode says ARM and Touch too */
	if (strstr(lower, "windows phone") != NULL || strstr(lower, "wpdesktop") != NULL ||
		strstr(lower, "iemobile") != NULL)
		return DEVICE_MOBILE;
	if (has_any(lower, tablet_tokens) || has_model(lower, tablet_models) ||
		has_amazon_model(lower, "kf", false) || has_pad(lower) ||
		has_word_then(lower, tablet_words) ||
		(strstr(lower, "tablet") != NULL && strstr(lower, "tablet pc") == NULL) ||
		(strstr(lower, "windows nt") != NULL && strstr(lower, "; arm") != NULL &&
		 strstr(lower, "touch") != NULL))
		return DEVICE_TABLET;
	android = strstr(lower, "android") != NULL || strstr(lower, "adr ") != NULL;
	if (android && !has_any(lower, mobile_tokens) &&
		(strncmp(lower, "mozilla/", 8) == 0 || strncmp(lower, "opera/", 6) == 0))
		return DEVICE_TABLET;
	if (android || has_any(lower, mobile_tokens) || has_word(lower, mobile_words))
		return DEVICE_MOBILE;
	/* an iOS app's networking library, unless it says it runs on a Mac */
	if (strstr(lower, "cfnetwork") != NULL && strstr(lower, "mac") == NULL &&
		strstr(lower, "x86_64") == NULL)
		return DEVICE_MOBILE;
	if (has_any(lower, desktop_tokens) || has_word(lower, desktop_words))
		return DEVICE_DESKTOP;
	return DEVICE_UNKNOWN;
}

/*
 * The agent folded to ASCII lower case, NUL-terminated, in a new palloc'd
 * string; NULL when there is no agent (empty, blank or "-", as bots.c's
 * no_user_agent).
 */
static char *
fold_agent(const char *agent, int len)
{
	int			start = 0,
				end = len;
	char	   *lower;
	int			i;

	while (start < end && scanner_isspace(agent[start]))
		start++;
	while (end > start && scanner_isspace(agent[end - 1]))
		end--;
	if (end == start || (end - start == 1 && agent[start] == '-'))
		return NULL;
	lower = palloc(end - start + 1);
	for (i = start; i < end; i++)
		lower[i - start] = pg_ascii_tolower((unsigned char) agent[i]);
	lower[end - start] = '\0';
	return lower;
}

/* The device of an agent's text (DEVICE_UNKNOWN when there is none). */
int16
clickagg_device_of_text(const char *agent, int len)
{
	char	   *lower = fold_agent(agent, len);
	int16		device;

	if (lower == NULL)
		return DEVICE_UNKNOWN;
	device = device_of_lower(lower);
	pfree(lower);
	return device;
}

/*
 * Does the agent look like a known browser or app?  It must have a device
 * (the rules above), carry no template or placeholder, and: a "Mozilla/"
 * agent must name an engine (AppleWebKit, Gecko, Trident, MSIE, Presto,
 * ...) unless it is a TV's or a console's; any other agent a name/version
 * token ("Dalvik/2.1.0") or an app's mark (Instagram, FBAN/FBAV), unless it
 * is a TV's or a console's.  bots.c calls an agent that is not one
 * non_browser.  lower: folded to lower case and NUL-terminated.
 */
bool
clickagg_agent_is_browser(const char *lower)
{
	int16		device = device_of_lower(lower);

	if (device == DEVICE_UNKNOWN || has_any(lower, template_tokens))
		return false;
	if (device == DEVICE_CTV || device == DEVICE_OTHER)
		return true;
	if (strncmp(lower, "mozilla/", 8) == 0)
		return has_any(lower, engine_tokens);
	return has_product(lower) || has_any(lower, app_tokens);
}

/* The cache, empty and current for the dictionary's keys. */
static void
ensure_cache(void)
{
	if (agent_devices != NULL && devices_dictionary_generation == clickagg_dictionary_generation())
		return;
	if (devices_context == NULL)
		devices_context = AllocSetContextCreate(TopMemoryContext, "clickagg agent devices",
												ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(devices_context);
	agent_devices = devices_create(devices_context, 1024, NULL);
	devices_dictionary_generation = clickagg_dictionary_generation();
}

/*
 * Forget the devices kept for these agent keys: a part of a pass that
 * interned them rolled back, and a key that is free again may be given to
 * another agent (bots.c forwards its own such call here).
 */
void
clickagg_devices_forget_agents(const int32 *keys, int n)
{
	int			i;

	if (agent_devices == NULL || devices_dictionary_generation != clickagg_dictionary_generation())
		return;
	for (i = 0; i < n; i++)
		(void) devices_delete(agent_devices, keys[i]);
}

/*
 * The device of a user agent, by dictionary key: agent is its text if the
 * caller has it, else NULL and it is read from the dictionary (once per
 * key; SPI must be connected).  No agent (ua_key < 0 with agent NULL, an
 * empty, blank or "-" agent, or a key the dictionary does not have, which
 * is not kept): DEVICE_UNKNOWN.
 */
int16
clickagg_agent_device(int32 ua_key, text *agent)
{
	AgentDevice *d;
	bool		found;
	int16		device;

	if (agent == NULL && ua_key < 0)
		return DEVICE_UNKNOWN;
	ensure_cache();
	d = devices_lookup(agent_devices, ua_key);
	if (d != NULL)
		return d->device;
	if (agent == NULL)
	{
		agent = clickagg_user_agent_text(ua_key, true);
		if (agent == NULL)
			return DEVICE_UNKNOWN;
	}
	device = clickagg_device_of_text(VARDATA_ANY(agent), VARSIZE_ANY_EXHDR(agent));
	if (agent_devices->members >= DEVICE_CACHE_MAX)
		devices_reset(agent_devices);
	d = devices_insert(agent_devices, ua_key, &found);
	d->device = device;
	return device;
}

/* clickagg.device_of(user_agent text) RETURNS text: NULL for no agent */
Datum
clickagg_device_of_sql(PG_FUNCTION_ARGS)
{
	text	   *agent;
	char	   *lower;
	int16		device;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	agent = PG_GETARG_TEXT_PP(0);
	lower = fold_agent(VARDATA_ANY(agent), VARSIZE_ANY_EXHDR(agent));
	if (lower == NULL)
		PG_RETURN_NULL();
	device = device_of_lower(lower);
	pfree(lower);
	PG_RETURN_TEXT_P(cstring_to_text(device_names[device]));
}
