/*-------------------------------------------------------------------------
 *
 * traffic.c
 *		Invalid traffic: the verdict on each click.
 *
 * Two kinds of rule decide a click's verdict (clickagg.invalid_reasons):
 *   - rules about the click alone ("intrinsic"): no_user_agent (missing,
 *     blank or "-"), bot (the user agent matches clickagg.bot_patterns:
 *     case-insensitive substrings, or regular expressions in PostgreSQL's
 *     own ARE syntax),
 *     datacenter_ip (the IP lies in clickagg.datacenter_ranges);
 *   - rules about one user's clicks in (event_time, click_id) order:
 *     click_rate (the user's clicks in one UTC minute beyond
 *     clickagg.max_clicks_per_user_minute; every click counts) and
 *     double_click (the same ad less than clickagg.double_click_window after
 *     the user's last valid click on it).
 * Precedence: intrinsic, then click_rate, then double_click.  A verdict
 * depends only on the click and on the user's earlier clicks, so the
 * verdicts are a function of the set of clicks, not of the order in which
 * they arrive.
 *
 * The stream (clickagg_classify_pass, called by dedup.c for the new clicks
 * of a pass, before they are logged) takes each user's logged clicks from
 * the start of the minute (and at least the double-click window) before the
 * first new one on (from the worker's memory of its
 * streams' recent clicks, exact past a horizon like the dedup cache, or
 * else from click_log's index on user_hash(user_id), up to the window after
 * the minute of the last new one, and further only if corrections can
 * reach past that), merges the new clicks
 * in, and walks the user's clicks again from the first new one: new clicks
 * get their verdict, and logged clicks whose verdict changes (a late
 * original makes a later click a double click, a late click pushes another
 * over the minute's limit) are corrected in clickagg.click_verdicts and in
 * the rollups (clickagg.record_verdict_changes), in the pass's transaction.
 * A user's clicks all go to one stream and one worker, so nothing else
 * writes them meanwhile.  The billing batch (billing.c) runs the same walk
 * over the day.
 *
 * User agents are judged once per dictionary key; the lists are loaded once
 * per process and reloaded after a change (statement triggers on the two
 * tables send a relcache invalidation, delivered at commit).
 *
 * Locking: AccessShareLock on clickagg.bot_patterns and datacenter_ranges
 * while loading them; the stream's reads and corrections run under the
 * pass's locks (see dedup.c).  All memory here is backend-local.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/socket.h>

#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "access/htup_details.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "portability/instr_time.h"
#include "parser/scansup.h"
#include "regex/regex.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"
#include "utils/snapmgr.h"
#include "utils/varlena.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_traffic_lists_changed);
PG_FUNCTION_INFO_V1(clickagg_is_bot_sql);
PG_FUNCTION_INFO_V1(clickagg_is_datacenter_ip_sql);
PG_FUNCTION_INFO_V1(clickagg_check_bot_pattern);

int			clickagg_double_click_window_ms = 10000;
int			clickagg_max_clicks_per_user_minute = 20;
int			clickagg_max_clicks_per_ip_minute = 60;
int			clickagg_attribution_window_s = 7 * SECS_PER_DAY;
bool		clickagg_classify_traffic = true;

typedef struct BotPattern
{
	char	   *text;			/* lower case (a regex as written) */
	bool		exclude;
	bool		at_start;
	regex_t    *regex;			/* compiled, for a regex row; else NULL */
} BotPattern;

/* An address as family byte + 16 address bytes, so ranges compare bytewise. */
#define IPKEY_LEN	17

typedef struct IpRange
{
	uint8		lo[IPKEY_LEN];
	uint8		hi[IPKEY_LEN];
} IpRange;

typedef struct AgentVerdict
{
	int32		ua_key;
	char		status;
	int16		code;
} AgentVerdict;

#define SH_PREFIX agents
#define SH_ELEMENT_TYPE AgentVerdict
#define SH_KEY_TYPE int32
#define SH_KEY ua_key
#define SH_HASH_KEY(tb, k) murmurhash32((uint32) (k))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Agents judged before the cache is emptied and starts again. */
#define AGENT_CACHE_MAX		(1 << 20)

static MemoryContext lists_context = NULL;
static bool lists_loaded = false;
static uint64 lists_generation = 0;	/* bumped by every invalidation */
static bool callback_registered = false;
static Oid	patterns_relid = InvalidOid;
static Oid	ranges_relid = InvalidOid;
static BotPattern *patterns = NULL;
static int	npatterns = 0;
static bool any_regex = false;
static IpRange *ranges = NULL;
static int	nranges = 0;
static agents_hash *agent_verdicts = NULL;

static void
traffic_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == patterns_relid || relid == ranges_relid)
	{
		lists_loaded = false;
		lists_generation++;
	}
}

static void
ip_key(inet *ip, uint8 *key)
{
	int			len = ip_family(ip) == PGSQL_AF_INET ? 4 : 16;

	memset(key, 0, IPKEY_LEN);
	key[0] = ip_family(ip);
	memcpy(key + 1, ip_addr(ip), len);
}

static int
compare_ranges(const void *a, const void *b)
{
	return memcmp(((const IpRange *) a)->lo, ((const IpRange *) b)->lo, IPKEY_LEN);
}

/* A cidr as [first, last] address keys. */
static void
range_from_cidr(inet *net, IpRange *r)
{
	int			len = ip_family(net) == PGSQL_AF_INET ? 4 : 16;
	int			bits = ip_bits(net);
	int			i;

	ip_key(net, r->lo);
	memcpy(r->hi, r->lo, IPKEY_LEN);
	for (i = 0; i < len; i++)
	{
		int			keep = Min(Max(bits - i * 8, 0), 8);
		uint8		host = (uint8) (0xFF >> keep);

		r->lo[1 + i] &= (uint8) ~host;
		r->hi[1 + i] |= host;
	}
}

/*
 * (Re)load both lists, under a snapshot taken now (not the caller's, which
 * may predate the change that invalidated them).  They count as loaded only
 * if nothing invalidated them while we read; an error leaves them unloaded.
 */
/*
 * Compile a regex row (case-insensitive ARE, C collation: the same on every
 * database) into *p.  The table's CHECK refuses rows that do not compile,
 * so a failure here is only reported and the row skipped.
 */
static bool
compile_pattern(const char *text, BotPattern *p, bool quiet)
{
	int			len = strlen(text);
	pg_wchar   *wide = palloc((len + 1) * sizeof(pg_wchar));
	int			wide_len = pg_mb2wchar_with_len(text, wide, len);
	regex_t    *regex = MemoryContextAlloc(lists_context, sizeof(regex_t));
	int			rc;

	rc = pg_regcomp(regex, wide, wide_len, REG_ADVANCED | REG_ICASE | REG_NOSUB, C_COLLATION_OID);
	pfree(wide);
	if (rc != REG_OKAY)
	{
		char		message[100];

		if (quiet)
			return false;
		pg_regerror(rc, regex, message, sizeof(message));
		ereport(WARNING,
				(errmsg("bot pattern /%s/ is not a valid regular expression and is ignored: %s",
						text, message)));
		return false;
	}
	p->regex = regex;
	return true;
}

static void
load_lists(void)
{
	MemoryContext old;
	Oid			nsp;
	uint64		i;
	int			n;
	uint64		generation = lists_generation;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(traffic_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	if (lists_context == NULL)
		lists_context = AllocSetContextCreate(TopMemoryContext, "clickagg traffic lists",
											  ALLOCSET_DEFAULT_SIZES);
	/* the regex library keeps compiled expressions outside memory contexts */
	for (i = 0; i < npatterns; i++)
		if (patterns[i].regex != NULL)
			pg_regfree(patterns[i].regex);
	MemoryContextReset(lists_context);
	patterns = NULL;
	ranges = NULL;
	npatterns = nranges = 0;
	any_regex = false;
	agent_verdicts = NULL;
	lists_loaded = false;

	nsp = get_namespace_oid(CLICKAGG_SCHEMA, false);
	patterns_relid = get_relname_relid("bot_patterns", nsp);
	ranges_relid = get_relname_relid("datacenter_ranges", nsp);

	SPI_connect();
	PushActiveSnapshot(GetLatestSnapshot());
	/* includes, then excludes; substrings (cheap) before regexes */
	if (SPI_execute("SELECT pattern, exclude, at_start, regex FROM clickagg.bot_patterns"
					" ORDER BY exclude, regex, length(pattern) DESC", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read clickagg.bot_patterns");
	old = MemoryContextSwitchTo(lists_context);
	patterns = palloc0(sizeof(BotPattern) * Max(SPI_processed, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *text = SPI_getvalue(tup, desc, 1);

		char	   *c;

		if (text == NULL || text[0] == '\0')
			continue;
		if (DatumGetBool(SPI_getbinval(tup, desc, 4, &isnull)))
		{
			if (!compile_pattern(text, &patterns[npatterns], false))
				continue;
			any_regex = true;
		}
		else
		{
			/* ASCII case folding, as for the user agents */
			for (c = text; *c; c++)
				*c = pg_ascii_tolower((unsigned char) *c);
		}
		patterns[npatterns].text = pstrdup(text);
		patterns[npatterns].exclude = DatumGetBool(SPI_getbinval(tup, desc, 2, &isnull));
		patterns[npatterns].at_start = DatumGetBool(SPI_getbinval(tup, desc, 3, &isnull));
		npatterns++;
	}
	MemoryContextSwitchTo(old);

	if (SPI_execute("SELECT range FROM clickagg.datacenter_ranges", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read clickagg.datacenter_ranges");
	old = MemoryContextSwitchTo(lists_context);
	ranges = palloc0(sizeof(IpRange) * Max(SPI_processed, 1));
	n = 0;
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			range_from_cidr(DatumGetInetPP(d), &ranges[n++]);
	}
	/* sorted and merged, so one binary search answers */
	qsort(ranges, n, sizeof(IpRange), compare_ranges);
	for (i = 0; i < n; i++)
	{
		if (nranges > 0 && memcmp(ranges[i].lo, ranges[nranges - 1].hi, IPKEY_LEN) <= 0)
		{
			if (memcmp(ranges[i].hi, ranges[nranges - 1].hi, IPKEY_LEN) > 0)
				memcpy(ranges[nranges - 1].hi, ranges[i].hi, IPKEY_LEN);
		}
		else
			ranges[nranges++] = ranges[i];
	}
	agent_verdicts = agents_create(lists_context, 1024, NULL);
	MemoryContextSwitchTo(old);
	PopActiveSnapshot();
	SPI_finish();
	lists_loaded = (generation == lists_generation);
	elog(DEBUG1, "clickagg: traffic lists loaded: %d bot patterns, %d address ranges", npatterns, nranges);
}

/* Forget the lists and the verdicts per user agent key; safe anywhere. */
void
clickagg_traffic_reset(void)
{
	lists_loaded = false;
}

static inline void
ensure_lists(void)
{
	if (!lists_loaded)
		load_lists();
}

/*
 * Make the lists current for the caller's snapshot.  A change to a list
 * commits (and sends its invalidation) before any click sent after it
 * commits; so once the snapshot that reads a click is taken, taking in the
 * pending invalidations is enough for that click to be judged with it.
 */
void
clickagg_traffic_sync(void)
{
	AcceptInvalidationMessages();
	ensure_lists();
}

/*
 * A time budget for the regular expressions while the stream judges one
 * agent (clickagg.bot_pattern_timeout).  PostgreSQL's regex engine stops
 * with REG_CANCEL when a query cancel is pending, so the timer raises that
 * flag, and the judge lowers it again once the regex has stopped.  The
 * nightly batch judges without a budget.
 */
int			clickagg_bot_pattern_timeout_ms = 10;
static bool judging_on_budget = false;
static TimeoutId budget_timeout = MAX_TIMEOUTS;
static volatile sig_atomic_t budget_spent = false;

static void
budget_timeout_handler(void)
{
	budget_spent = true;
	QueryCancelPending = true;
	InterruptPending = true;
	SetLatch(MyLatch);
}

/* Judge with the budget from now on (the workers) or without (the batch). */
void
clickagg_traffic_judge_on_budget(bool on)
{
	judging_on_budget = on;
}

static void
start_budget(int ms)
{
	if (budget_timeout == MAX_TIMEOUTS)
		budget_timeout = RegisterTimeout(USER_TIMEOUT, budget_timeout_handler);
	budget_spent = false;
	enable_timeout_after(budget_timeout, ms);
}

/* Stop the timer; true if the budget ran out (the cancel it raised is taken back). */
static bool
end_budget(void)
{
	disable_timeout(budget_timeout, false);
	if (!budget_spent)
		return false;
	budget_spent = false;
	QueryCancelPending = false;
	return true;
}

/* REG_OKAY: a match; REG_NOMATCH; REG_CANCEL: out of time. */
static int
pattern_match(const BotPattern *p, const char *agent, const pg_wchar *wide, int wide_len)
{
	if (p->regex != NULL)
		return pg_regexec(p->regex, wide, wide_len, 0, NULL, 0, NULL, 0);
	if (p->at_start)
		return strncmp(agent, p->text, strlen(p->text)) == 0 ? REG_OKAY : REG_NOMATCH;
	return strstr(agent, p->text) != NULL ? REG_OKAY : REG_NOMATCH;
}

static inline bool
pattern_matches(const BotPattern *p, const char *agent, const pg_wchar *wide, int wide_len)
{
	return pattern_match(p, agent, wide, wide_len) == REG_OKAY;
}

/*
 * The intrinsic verdict on a user agent's text: bot, no_user_agent or valid.
 * On a budget, regexes that run out of time count as not matching, so the
 * substring rows judge the agent (a warning says so, once per agent).
 */
static int16
judge_agent(const char *text, int len)
{
	char	   *lower;
	pg_wchar   *wide = NULL;
	int			wide_len = 0;
	int			start = 0,
				end = len;
	bool		bot = false;
	bool		on_budget;
	bool		out_of_time = false;
	int			rc;
	int			i;

	while (start < end && scanner_isspace(text[start]))
		start++;
	while (end > start && scanner_isspace(text[end - 1]))
		end--;
	if (end == start || (end - start == 1 && text[start] == '-'))
		return CLICKAGG_CODE_NO_USER_AGENT;

	lower = palloc(len + 1);
	for (i = 0; i < len; i++)
		lower[i] = pg_ascii_tolower((unsigned char) text[i]);
	lower[len] = '\0';
	if (any_regex)
	{
		wide = palloc((len + 1) * sizeof(pg_wchar));
		wide_len = pg_mb2wchar_with_len(lower, wide, len);
	}

	/* includes come first in the array (substrings, then regexes), then excludes */
	on_budget = any_regex && judging_on_budget && clickagg_bot_pattern_timeout_ms > 0;
	if (on_budget)
		start_budget(clickagg_bot_pattern_timeout_ms);
	PG_TRY();
	{
		for (i = 0; i < npatterns && !patterns[i].exclude && !out_of_time; i++)
		{
			rc = pattern_match(&patterns[i], lower, wide, wide_len);
			bot = (rc == REG_OKAY);
			out_of_time = (rc == REG_CANCEL);
			if (bot)
				break;
		}
		for (i = 0; bot && !out_of_time && i < npatterns; i++)
		{
			if (!patterns[i].exclude)
				continue;
			rc = pattern_match(&patterns[i], lower, wide, wide_len);
			out_of_time = (rc == REG_CANCEL);
			if (rc == REG_OKAY)
				bot = false;
		}
	}
	PG_CATCH();
	{
		/* (an armed timer would cancel whatever runs next) */
		if (on_budget)
			(void) end_budget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (on_budget && end_budget())
		out_of_time = true;
	if (out_of_time)
	{
		ereport(WARNING,
				(errmsg("clickagg: judging a user agent against the regular expressions of clickagg.bot_patterns took over %d ms",
						clickagg_bot_pattern_timeout_ms),
				 errdetail("The agent (%d bytes, beginning \"%.*s\") is judged by the substring patterns alone in the stream; the nightly batch judges it in full.",
						   len, pg_mbcliplen(lower, len, 40), lower),
				 errhint("Find the slow pattern with clickagg.is_bot() and simplify it; clickagg.bot_pattern_timeout sets the budget.")));
		bot = false;
		for (i = 0; i < npatterns && !patterns[i].exclude && !bot; i++)
			bot = patterns[i].regex == NULL && pattern_matches(&patterns[i], lower, wide, wide_len);
		for (i = 0; bot && i < npatterns; i++)
			if (patterns[i].exclude && patterns[i].regex == NULL &&
				pattern_matches(&patterns[i], lower, wide, wide_len))
				bot = false;
	}
	pfree(lower);
	if (wide != NULL)
		pfree(wide);
	return bot ? CLICKAGG_CODE_BOT : CLICKAGG_CODE_VALID;
}

/*
 * Forget the verdicts cached for these agent keys: a part of a pass that
 * interned them rolled back, and a key that is free again may be given to
 * another agent.
 */
void
clickagg_traffic_forget_agents(const int32 *keys, int n)
{
	int			i;

	if (!lists_loaded || agent_verdicts == NULL)
		return;
	for (i = 0; i < n; i++)
		(void) agents_delete(agent_verdicts, keys[i]);
}

/*
 * The verdict on a user agent, by dictionary key; text is the agent's text
 * if the caller has it (else it is read from the dictionary, once per key).
 * Needs SPI connected when text is NULL.
 */
int16
clickagg_agent_verdict(int32 ua_key, text *agent)
{
	AgentVerdict *v;
	bool		found;
	int16		code;

	ensure_lists();
	v = agents_lookup(agent_verdicts, ua_key);
	if (v != NULL)
		return v->code;
	if (agent == NULL)
		agent = clickagg_user_agent_text(ua_key, false);
	code = judge_agent(VARDATA_ANY(agent), VARSIZE_ANY_EXHDR(agent));
	if (agent_verdicts->members >= AGENT_CACHE_MAX)
		agents_reset(agent_verdicts);
	v = agents_insert(agent_verdicts, ua_key, &found);
	v->code = code;
	return code;
}

bool
clickagg_ip_in_datacenter(inet *ip)
{
	uint8		key[IPKEY_LEN];
	int			lo = 0,
				hi;

	ensure_lists();
	if (ip == NULL || nranges == 0)
		return false;
	ip_key(clickagg_host_of(ip), key);
	/* the last range starting at or before key */
	hi = nranges - 1;
	if (memcmp(ranges[0].lo, key, IPKEY_LEN) > 0)
		return false;
	while (lo < hi)
	{
		int			mid = (lo + hi + 1) / 2;

		if (memcmp(ranges[mid].lo, key, IPKEY_LEN) <= 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	return memcmp(key, ranges[lo].hi, IPKEY_LEN) <= 0;
}

/* The verdict on a click alone; ua_key is used only when has_agent. */
int16
clickagg_intrinsic_verdict(bool has_agent, int32 ua_key, text *agent, inet *ip)
{
	int16		code;

	if (!has_agent)
		return CLICKAGG_CODE_NO_USER_AGENT;
	code = clickagg_agent_verdict(ua_key, agent);
	if (code == CLICKAGG_CODE_VALID && clickagg_ip_in_datacenter(ip))
		code = CLICKAGG_CODE_DATACENTER_IP;
	return code;
}

static inline TimestampTz
minute_start(TimestampTz t)
{
	int64		rem = t % USECS_PER_MINUTE;

	return t - (rem < 0 ? rem + USECS_PER_MINUTE : rem);
}

/*
 * Walk one user's clicks, sorted by (event_time, click_id), and set the
 * verdict of clicks[first..n).  The verdicts of clicks[0..first) are given
 * (they precede every changed click, so they stand) and serve as history:
 * they count towards the minute's rate, and the valid ones anchor double
 * clicks.  The history must reach back to the start of the minute of
 * clicks[first] and at least clickagg.double_click_window before it.
 */
void
clickagg_walk_user_clicks(TrafficClick *clicks, int n, int first)
{
	int64		window = (int64) clickagg_double_click_window_ms * 1000;
	int			limit = clickagg_max_clicks_per_user_minute;
	int32	   *last_ad = palloc(sizeof(int32) * Max(n, 1));
	TimestampTz *last_time = palloc(sizeof(TimestampTz) * Max(n, 1));
	int			nlast = 0;
	TimestampTz minute = DT_NOBEGIN;
	int			rank = 0;
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		TrafficClick *c = &clicks[i];
		TimestampTz m = minute_start(c->event_time);

		CHECK_FOR_INTERRUPTS();
		if (m != minute)
		{
			minute = m;
			rank = 0;
		}
		rank++;

		/* a user's clicks touch few ads, so a linear search is enough */
		for (j = 0; j < nlast && last_ad[j] != c->ad_key; j++)
			;
		if (i >= first)
		{
			int16		v = c->intrinsic;

			if (v == CLICKAGG_CODE_VALID && limit > 0 && rank > limit)
				v = CLICKAGG_CODE_CLICK_RATE;
			if (v == CLICKAGG_CODE_VALID && window > 0 && j < nlast &&
				c->event_time - last_time[j] < window)
				v = CLICKAGG_CODE_DOUBLE_CLICK;
			c->verdict = v;
		}
		if (c->verdict == CLICKAGG_CODE_VALID)
		{
			if (j == nlast)
				last_ad[nlast++] = c->ad_key;
			last_time[j] = c->event_time;
		}
	}
	pfree(last_ad);
	pfree(last_time);
}

/*
 * The stream's memory of its users' recent clicks.
 *
 * Reading each user's history from the log's index costs an index scan per
 * user per pass.  Like the dedup cache (recent.c), the worker remembers what
 * it logged, and the same ownership argument makes the memory exact: for a
 * stream whose clicks with event time at or after history_horizon[stream]
 * were all logged by this worker since it started, the memory holds every
 * such click with its current verdict, so a user whose walk starts at or
 * after the horizon needs no index scan.  The horizon starts where recent.c's
 * does (after the newest event the stream had logged when the worker
 * started) and only moves forward.
 *
 * Forgetting costs O(1) per HISTORY_SPAN of event time, not a sweep: users
 * live in two generations.  A user touched by a pass is moved into the
 * current one (its clicks older than HISTORY_SPAN behind the newest event
 * dropped, and every horizon raised to that cutoff); when the newest event
 * has moved HISTORY_SPAN past the last rotation, the previous generation,
 * whose users were not touched for that long, is dropped as one memory
 * context, and the horizons are raised past the newest click it held.  Any
 * error resets everything (clickagg_recent_reset calls
 * clickagg_history_reset), except in a part of a pass that rolls back on
 * its own (isolation.c): the users' clicks as they were before the part
 * are journaled from clickagg_history_mark() on, and clickagg_history_undo()
 * puts them back.
 */
static inline bool
same_text(const text *x, const text *y)
{
	return VARSIZE_ANY_EXHDR(x) == VARSIZE_ANY_EXHDR(y) &&
		memcmp(VARDATA_ANY(x), VARDATA_ANY(y), VARSIZE_ANY_EXHDR(x)) == 0;
}

typedef struct HistoryClick
{
	TimestampTz event_time;
	pg_uuid_t	click_id;
	int32		ad_key;
	int16		verdict;
} HistoryClick;

typedef struct UserHistory
{
	uint64		user_hash;
	char		status;
	bool		shared;			/* two users with this hash: always read the log */
	text	   *user_id;
	int			n;
	int			max;
	HistoryClick *clicks;		/* sorted by (event_time, click_id) */
} UserHistory;

#define SH_PREFIX histories
#define SH_ELEMENT_TYPE UserHistory
#define SH_KEY_TYPE uint64
#define SH_KEY user_hash
#define SH_HASH_KEY(tb, k) ((uint32) ((k) ^ ((k) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Event time of clicks kept in memory behind the newest, and a generation's length. */
#define HISTORY_SPAN		(3 * USECS_PER_MINUTE)

typedef struct HistoryGeneration
{
	MemoryContext context;		/* the entries' texts and click arrays */
	histories_hash *users;
	TimestampTz newest_event;	/* newest event of any click remembered in it */
} HistoryGeneration;

static HistoryGeneration *history_current = NULL;
static HistoryGeneration *history_previous = NULL;
static bool history_horizon_known[CLICKAGG_STREAMS];
static TimestampTz history_horizon[CLICKAGG_STREAMS];
static TimestampTz history_newest = DT_NOBEGIN;
static TimestampTz history_rotated_at = DT_NOBEGIN;	/* history_newest at the last rotation */

/* A user's remembered clicks before the part being journaled changed them. */
typedef struct SavedHistory
{
	uint64		user_hash;
	int			n;
	HistoryClick *clicks;
} SavedHistory;

static MemoryContext history_journal_context = NULL;
static SavedHistory *history_journal = NULL;
static int	history_journal_n = 0;
static int	history_journal_max = 0;
static bool history_journal_overflowed = false;

static void
drop_generation(HistoryGeneration *g)
{
	if (g != NULL)
	{
		MemoryContextDelete(g->context);
		pfree(g);
	}
}

static HistoryGeneration *
new_generation(void)
{
	HistoryGeneration *g = MemoryContextAlloc(TopMemoryContext, sizeof(HistoryGeneration));

	g->context = AllocSetContextCreate(TopMemoryContext, "clickagg user histories",
									   ALLOCSET_DEFAULT_SIZES);
	g->users = histories_create(g->context, 64, NULL);
	g->newest_event = DT_NOBEGIN;
	return g;
}

void
clickagg_history_reset(void)
{
	drop_generation(history_current);
	drop_generation(history_previous);
	history_current = history_previous = NULL;
	memset(history_horizon_known, false, sizeof(history_horizon_known));
	history_newest = history_rotated_at = DT_NOBEGIN;
	/* nothing journaled before is remembered now */
	if (history_journal_context != NULL)
		clickagg_history_mark();
}

/* From here on, journal the users' clicks before they change. */
void
clickagg_history_mark(void)
{
	if (history_journal_context == NULL)
		history_journal_context = AllocSetContextCreate(TopMemoryContext,
														"clickagg user history journal",
														ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(history_journal_context);
	history_journal = NULL;
	history_journal_n = history_journal_max = 0;
	history_journal_overflowed = false;
}

/*
 * Keep a copy of a user's clicks before they change.  Past a quarter of
 * clickagg.history_cache_size of copies the journal gives up: undo then
 * resets the histories.
 */
static void
journal_history(const UserHistory *h)
{
	SavedHistory *saved;

	if (history_journal_context == NULL || history_journal_overflowed)
		return;
	if (MemoryContextMemAllocated(history_journal_context, true) >
		(Size) clickagg_history_cache_kb * 1024 / 4)
	{
		history_journal_overflowed = true;
		return;
	}
	if (history_journal_n == history_journal_max)
	{
		history_journal_max = Max(history_journal_max * 2, 256);
		history_journal = history_journal == NULL ?
			MemoryContextAlloc(history_journal_context, sizeof(SavedHistory) * history_journal_max) :
			repalloc(history_journal, sizeof(SavedHistory) * history_journal_max);
	}
	saved = &history_journal[history_journal_n++];
	saved->user_hash = h->user_hash;
	saved->n = h->n;
	saved->clicks = NULL;
	if (h->n > 0)
	{
		saved->clicks = MemoryContextAlloc(history_journal_context, sizeof(HistoryClick) * h->n);
		memcpy(saved->clicks, h->clicks, sizeof(HistoryClick) * h->n);
	}
}

/*
 * Put back the users' clicks as they were at the mark, newest change first.
 * A user no longer remembered went with a generation, which raised the
 * horizons past it.  Newest-event marks and horizons stay where the part
 * moved them: later than need be only makes the memory claim less.
 */
void
clickagg_history_undo(void)
{
	int			i;

	if (history_journal_overflowed)
	{
		clickagg_history_reset();
		clickagg_history_mark();
		return;
	}
	for (i = history_journal_n - 1; i >= 0; i--)
	{
		SavedHistory *saved = &history_journal[i];
		HistoryGeneration *g = history_current;
		UserHistory *h = g ? histories_lookup(g->users, saved->user_hash) : NULL;

		if (h == NULL && history_previous != NULL)
		{
			g = history_previous;
			h = histories_lookup(g->users, saved->user_hash);
		}
		if (h == NULL)
			continue;
		if (saved->n > h->max)
		{
			h->max = saved->n;
			h->clicks = h->clicks ? repalloc(h->clicks, sizeof(HistoryClick) * h->max) :
				MemoryContextAlloc(g->context, sizeof(HistoryClick) * h->max);
		}
		if (saved->n > 0)
			memcpy(h->clicks, saved->clicks, sizeof(HistoryClick) * saved->n);
		h->n = saved->n;
	}
	clickagg_history_mark();
}

/* Start a stream's horizon after the newest event it had logged. */
void
clickagg_history_set_horizon(int stream, TimestampTz newest_logged)
{
	if (history_horizon_known[stream])
		return;
	history_horizon[stream] = (newest_logged == DT_NOBEGIN) ? DT_NOBEGIN : newest_logged + 1;
	history_horizon_known[stream] = true;
}

static void
raise_horizons(TimestampTz to)
{
	int			s;

	for (s = 0; s < CLICKAGG_STREAMS; s++)
		if (history_horizon[s] < to)
			history_horizon[s] = to;
}

/*
 * A new generation when the newest event has moved HISTORY_SPAN past the last
 * rotation; the previous one goes, with every click it held.
 */
static void
rotate_histories(void)
{
	if (history_current == NULL)
	{
		history_current = new_generation();
		history_rotated_at = history_newest;
		return;
	}
	if (history_rotated_at == DT_NOBEGIN)
		history_rotated_at = history_newest;
	if (history_newest <= history_rotated_at + HISTORY_SPAN)
		return;
	if (history_previous != NULL)
	{
		if (history_previous->newest_event != DT_NOBEGIN)
			raise_horizons(history_previous->newest_event + 1);
		drop_generation(history_previous);
	}
	history_previous = history_current;
	history_current = new_generation();
	history_rotated_at = history_newest;
}

/*
 * Keep the histories within clickagg.history_cache_size: the previous
 * generation goes first, then the current one; the horizons move past what
 * went, so the users' walks read the log instead (exact, only slower).
 */
int			clickagg_history_cache_kb = 256 * 1024;

static Size
generation_bytes(HistoryGeneration *g)
{
	return g == NULL ? 0 : MemoryContextMemAllocated(g->context, true);
}

static void
bound_histories(void)
{
	Size		limit = (Size) clickagg_history_cache_kb * 1024;
	if (generation_bytes(history_current) + generation_bytes(history_previous) <= limit)
		return;
	if (history_previous != NULL)
	{
		if (history_previous->newest_event != DT_NOBEGIN)
			raise_horizons(history_previous->newest_event + 1);
		drop_generation(history_previous);
		history_previous = NULL;
	}
	if (generation_bytes(history_current) > limit)
	{
		if (history_current->newest_event != DT_NOBEGIN)
			raise_horizons(history_current->newest_event + 1);
		drop_generation(history_current);
		history_current = NULL;	/* rotate_histories() starts a new one */
	}
}

/*
 * A user's entry in the current generation, moved there from the previous
 * one if it was remembered there.  Entries move while the table grows: the
 * caller looks them up again once all are in.
 */
static void
touch_user(uint64 hash, text *user_id)
{
	UserHistory *h;
	UserHistory *old = NULL;
	bool		found;

	h = histories_insert(history_current->users, hash, &found);
	if (found)
	{
		if (!same_text(h->user_id, user_id))
			h->shared = true;
		return;
	}
	if (history_previous != NULL)
		old = histories_lookup(history_previous->users, hash);
	h->user_id = (text *) MemoryContextAlloc(history_current->context, VARSIZE_ANY(user_id));
	memcpy(h->user_id, user_id, VARSIZE_ANY(user_id));
	h->shared = false;
	h->n = h->max = 0;
	h->clicks = NULL;
	if (old != NULL)
	{
		h->shared = old->shared || !same_text(old->user_id, user_id);
		if (old->n > 0)
		{
			h->max = h->n = old->n;
			h->clicks = MemoryContextAlloc(history_current->context, sizeof(HistoryClick) * old->n);
			memcpy(h->clicks, old->clicks, sizeof(HistoryClick) * old->n);
			if (h->clicks[h->n - 1].event_time > history_current->newest_event)
				history_current->newest_event = h->clicks[h->n - 1].event_time;
		}
		histories_delete(history_previous->users, hash);
	}
}

/*
 * Replace a user's remembered clicks in [lo, hi) by walk[0..n) (sorted, all
 * in that range, with their current verdicts).
 */
static void
remember(UserHistory *h, TimestampTz lo, TimestampTz hi, TrafficClick *walk, int n)
{
	TimestampTz cutoff = history_newest - HISTORY_SPAN;
	int			drop = 0;
	int			keep;
	int			after;
	int			nafter;
	int			i;

	/* forget what is older than the span (every horizon is past it) */
	while (drop < h->n && h->clicks[drop].event_time < cutoff && h->clicks[drop].event_time < lo)
		drop++;
	if (drop > 0)
	{
		memmove(h->clicks, h->clicks + drop, sizeof(HistoryClick) * (h->n - drop));
		h->n -= drop;
	}
	keep = 0;
	while (keep < h->n && h->clicks[keep].event_time < lo)
		keep++;
	after = keep;
	while (after < h->n && h->clicks[after].event_time < hi)
		after++;
	nafter = h->n - after;
	if (keep + n + nafter > h->max)
	{
		h->max = Max(keep + n + nafter, h->max * 2);
		h->clicks = h->clicks ? repalloc(h->clicks, sizeof(HistoryClick) * h->max) :
			MemoryContextAlloc(history_current->context, sizeof(HistoryClick) * h->max);
	}
	memmove(h->clicks + keep + n, h->clicks + after, sizeof(HistoryClick) * nafter);
	for (i = 0; i < n; i++)
	{
		HistoryClick *c = &h->clicks[keep + i];

		c->event_time = walk[i].event_time;
		c->click_id = walk[i].click_id;
		c->ad_key = walk[i].ad_key;
		c->verdict = walk[i].verdict;
	}
	h->n = keep + n + nafter;
	if (h->n > 0 && h->clicks[h->n - 1].event_time > history_current->newest_event)
		history_current->newest_event = h->clicks[h->n - 1].event_time;
}

/*
 * The stream: classify the new clicks of a pass (accepted, dictionary keys
 * resolved), correcting logged clicks whose verdict they change.
 */

/* A click the log index returned: whose history it is, and the click. */
typedef struct LoggedClick
{
	int			user;			/* index into the pass's users */
	TrafficClick click;
} LoggedClick;

static SPIPlanPtr history_plan = NULL;
static SPIPlanPtr changes_plan = NULL;

static int
compare_for_walk(const void *a, const void *b)
{
	const Arrival *x = *(Arrival *const *) a;
	const Arrival *y = *(Arrival *const *) b;
	int			c;

	if (x->user_hash != y->user_hash)
		return x->user_hash < y->user_hash ? -1 : 1;
	c = varstr_cmp(VARDATA_ANY(x->user_id), VARSIZE_ANY_EXHDR(x->user_id),
				   VARDATA_ANY(y->user_id), VARSIZE_ANY_EXHDR(y->user_id), C_COLLATION_OID);
	if (c != 0)
		return c;
	if (x->event_time != y->event_time)
		return x->event_time < y->event_time ? -1 : 1;
	return memcmp(x->click_id.data, y->click_id.data, UUID_LEN);
}

static inline bool
same_user(const Arrival *x, const Arrival *y)
{
	return x->user_hash == y->user_hash && same_text(x->user_id, y->user_id);
}

static inline int
compare_time_id(TimestampTz ta, const pg_uuid_t *ia, TimestampTz tb, const pg_uuid_t *ib)
{
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return memcmp(ia->data, ib->data, UUID_LEN);
}

/* A user whose history is read from the log, and the range it needs. */
typedef struct ReadUser
{
	int64		hash;
	text	   *user_id;
	TimestampTz lo;
	TimestampTz hi;
	int			number;			/* the user's index in the pass */
} ReadUser;

static int
compare_read_lo(const void *a, const void *b)
{
	const ReadUser *x = a;
	const ReadUser *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

static int
compare_read_hash(const void *a, const void *b)
{
	const ReadUser *x = a;
	const ReadUser *y = b;

	return (x->hash > y->hash) - (x->hash < y->hash);
}

static int
compare_logged(const void *a, const void *b)
{
	const LoggedClick *x = a;
	const LoggedClick *y = b;

	if (x->user != y->user)
		return x->user - y->user;
	return compare_time_id(x->click.event_time, &x->click.click_id,
						   y->click.event_time, &y->click.click_id);
}

/*
 * Read the logged clicks of some users, each in its range [lo, hi).  Users
 * are read in groups by the UTC day their range starts, one query per group
 * (the user index with = ANY, on the partitions the group's range covers),
 * so a pass with late clicks of many days costs a query per day, not an
 * executor start per user.  Rows come back sorted by (user number, event
 * time, click ID).
 */
static LoggedClick *
read_history(int nusers, Datum *hashes, Datum *ids, Datum *bounds, Datum *uppers, Datum *numbers,
			 int *nlogged)
{
	ReadUser   *users;
	LoggedClick *logged = NULL;
	int			n = 0;
	int			max = 0;
	int			start;
	int			i;

	*nlogged = 0;
	if (nusers == 0)
		return NULL;
	if (history_plan == NULL)
	{
		Oid			types[3] = {INT8ARRAYOID, TIMESTAMPTZOID, TIMESTAMPTZOID};

		history_plan = clickagg_prepare_kept(
			"SELECT clickagg.user_hash(l.user_id), l.user_id, l.click_id, l.event_time, l.ad_key,"
			"       coalesce((SELECT coalesce(v.invalid_code, 0) FROM clickagg.click_verdicts v"
			"                  WHERE v.user_id = l.user_id AND v.click_id = l.click_id),"
			"                coalesce(l.invalid_code, 0))::int2"
			"  FROM clickagg.click_log l"
			" WHERE clickagg.user_hash(l.user_id) = ANY ($1) AND l.event_time >= $2 AND l.event_time < $3",
			3, types);
	}

	users = palloc(sizeof(ReadUser) * nusers);
	for (i = 0; i < nusers; i++)
	{
		users[i].hash = DatumGetInt64(hashes[i]);
		users[i].user_id = DatumGetTextPP(ids[i]);
		users[i].lo = DatumGetTimestampTz(bounds[i]);
		users[i].hi = DatumGetTimestampTz(uppers[i]);
		users[i].number = DatumGetInt32(numbers[i]);
	}
	qsort(users, nusers, sizeof(ReadUser), compare_read_lo);

	for (start = 0; start < nusers;)
	{
		int32		day = clickagg_utc_day(users[start].lo);
		TimestampTz lo = users[start].lo;	/* the group's least: sorted by lo */
		TimestampTz hi = users[start].hi;
		int			end = start;
		Datum	   *group_hashes;
		Datum		args[3];
		uint64		r;

		while (end < nusers && clickagg_utc_day(users[end].lo) == day)
		{
			hi = Max(hi, users[end].hi);
			end++;
		}
		qsort(users + start, end - start, sizeof(ReadUser), compare_read_hash);
		group_hashes = palloc(sizeof(Datum) * (end - start));
		for (i = start; i < end; i++)
			group_hashes[i - start] = Int64GetDatum(users[i].hash);
		args[0] = PointerGetDatum(construct_array(group_hashes, end - start, INT8OID, 8,
												  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		args[1] = TimestampTzGetDatum(lo);
		args[2] = TimestampTzGetDatum(hi);
		if (SPI_execute_plan(history_plan, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the history of the pass's users");

		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			int64		hash = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
			text	   *user_id = DatumGetTextPP(SPI_getbinval(tup, desc, 2, &isnull));
			TimestampTz t = DatumGetTimestampTz(SPI_getbinval(tup, desc, 4, &isnull));
			ReadUser	key;
			ReadUser   *hit;
			int			k;

			key.hash = hash;
			hit = bsearch(&key, users + start, end - start, sizeof(ReadUser), compare_read_hash);
			if (hit == NULL)
				continue;
			/* back to the first user of this hash, then each of them */
			k = hit - users;
			while (k > start && users[k - 1].hash == hash)
				k--;
			for (; k < end && users[k].hash == hash; k++)
			{
				LoggedClick *c;

				if (t < users[k].lo || t >= users[k].hi || !same_text(users[k].user_id, user_id))
					continue;
				if (n == max)
				{
					max = Max(256, max * 2);
					logged = logged ? repalloc(logged, sizeof(LoggedClick) * max) :
						palloc(sizeof(LoggedClick) * max);
				}
				c = &logged[n++];
				c->user = users[k].number;
				memcpy(&c->click.click_id, DatumGetUUIDP(SPI_getbinval(tup, desc, 3, &isnull)), UUID_LEN);
				c->click.event_time = t;
				c->click.ad_key = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
				c->click.verdict = DatumGetInt16(SPI_getbinval(tup, desc, 6, &isnull));
			}
		}
		SPI_freetuptable(SPI_tuptable);
		start = end;
	}
	if (n > 1)
		qsort(logged, n, sizeof(LoggedClick), compare_logged);
	*nlogged = n;
	return logged;
}

/* Changed verdicts of logged clicks, column by column. */
typedef struct Changes
{
	int			n;
	int			max;
	Datum	   *users,
			   *click_ids,
			   *times,
			   *old_codes,
			   *new_codes;
} Changes;

static void
changes_add(Changes *ch, text *user_id, TrafficClick *c, int16 old_code)
{
	int			k;
	pg_uuid_t  *id;

	if (ch->n == ch->max)
	{
		ch->max = Max(64, ch->max * 2);
		ch->users = ch->users ? repalloc(ch->users, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
		ch->click_ids = ch->click_ids ? repalloc(ch->click_ids, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
		ch->times = ch->times ? repalloc(ch->times, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
		ch->old_codes = ch->old_codes ? repalloc(ch->old_codes, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
		ch->new_codes = ch->new_codes ? repalloc(ch->new_codes, sizeof(Datum) * ch->max) : palloc(sizeof(Datum) * ch->max);
	}
	k = ch->n++;
	id = palloc(sizeof(pg_uuid_t));
	*id = c->click_id;
	ch->users[k] = PointerGetDatum(user_id);
	ch->click_ids[k] = UUIDPGetDatum(id);
	ch->times[k] = TimestampTzGetDatum(c->event_time);
	ch->old_codes[k] = Int16GetDatum(old_code);
	ch->new_codes[k] = Int16GetDatum(c->verdict);
}

static Datum
int2_array(Datum *d, int n)
{
	return PointerGetDatum(construct_array(d, n, INT2OID, 2, true, TYPALIGN_SHORT));
}

/*
 * clickagg.record_verdict_changes(): click_verdicts and rollup deltas.  It
 * returns (user, campaign, event time) of the clicks whose validity changed,
 * for attribution.
 */
static void
record_changes(Changes *ch, TouchedClicks *touched)
{
	Datum		args[5];

	if (ch->n == 0)
		return;
	if (changes_plan == NULL)
	{
		Oid			types[5] = {TEXTARRAYOID, UUIDARRAYOID, TIMESTAMPTZARRAYOID, INT2ARRAYOID, INT2ARRAYOID};

		changes_plan = clickagg_prepare_kept(
			"SELECT * FROM clickagg.record_verdict_changes($1, $2, $3, $4, $5)", 5, types);
	}
	args[0] = PointerGetDatum(construct_array(ch->users, ch->n, TEXTOID, -1, false, TYPALIGN_INT));
	args[1] = PointerGetDatum(construct_array(ch->click_ids, ch->n, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
	args[2] = PointerGetDatum(construct_array(ch->times, ch->n, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[3] = int2_array(ch->old_codes, ch->n);
	args[4] = int2_array(ch->new_codes, ch->n);
	if (SPI_execute_plan(changes_plan, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "clickagg.record_verdict_changes failed");
	clickagg_touched_add_result(touched);
}

/*
 * Merge a user's logged clicks old[0..nold) (sorted, with their verdicts)
 * with its new clicks fresh[0..nnew) (sorted) and walk them.  Fills walk[],
 * origin[] (the arrival, or NULL for a logged click) and old_verdict[];
 * returns the index of the first new click.
 */
static int
walk_user(TrafficClick *old, int nold, Arrival **fresh, int nnew,
		  TrafficClick *walk, Arrival **origin, int16 *old_verdict)
{
	int			total = nold + nnew;
	int			first = -1,
				a = 0,
				b = 0,
				k;

	for (k = 0; k < total; k++)
	{
		bool		take_old;

		if (a == nold)
			take_old = false;
		else if (b == nnew)
			take_old = true;
		else
			take_old = compare_time_id(old[a].event_time, &old[a].click_id,
									   fresh[b]->event_time, &fresh[b]->click_id) < 0;
		if (take_old)
		{
			walk[k] = old[a++];
			old_verdict[k] = walk[k].verdict;
			/* a logged click keeps an intrinsic verdict; the others are redone */
			walk[k].intrinsic = (walk[k].verdict == CLICKAGG_CODE_CLICK_RATE ||
								 walk[k].verdict == CLICKAGG_CODE_DOUBLE_CLICK) ?
				CLICKAGG_CODE_VALID : walk[k].verdict;
			origin[k] = NULL;
		}
		else
		{
			Arrival    *f = fresh[b++];

			walk[k].event_time = f->event_time;
			walk[k].click_id = f->click_id;
			walk[k].ad_key = f->ad_key;
			walk[k].intrinsic = f->invalid_code;
			walk[k].verdict = CLICKAGG_CODE_VALID;
			old_verdict[k] = -1;
			origin[k] = f;
			if (first < 0)
				first = k;
		}
	}
	clickagg_walk_user_clicks(walk, total, first);
	return first;
}

/*
 * Could the changes of a walk over the clicks before hi go on after hi?  Only
 * through a double-click chain: a click after hi changes only if a click on
 * its ad less than the window before it changed validity (its minute holds
 * no new click, so its rank stands).  So no validity change in the last
 * window before hi means nothing after hi changes.
 */
static bool
changes_reach(TrafficClick *walk, Arrival **origin, int16 *old_verdict, int total,
			  TimestampTz hi, int64 window)
{
	int			k;

	for (k = total - 1; k >= 0 && walk[k].event_time >= hi - window; k--)
		if (origin[k] == NULL &&
			(old_verdict[k] == CLICKAGG_CODE_VALID) != (walk[k].verdict == CLICKAGG_CODE_VALID))
			return true;
	return false;
}

/*
 * Classify the accepted new clicks of a pass of one stream, cands[0..n),
 * setting their invalid_code, and correct logged clicks of the same users.
 * Every click whose validity is new or changed is reported in *touched (for
 * attribution).  Runs in the pass's transaction, with SPI connected.
 */
void
clickagg_classify_pass(int stream, Arrival **cands, int n, TouchedClicks *touched)
{
	int64		window = (int64) clickagg_double_click_window_ms * 1000;
	Arrival   **byuser;
	int		   *user_start;
	TimestampTz *user_lo;
	int		   *user_read;		/* index into the log reads, or -1: from memory */
	UserHistory **user_memory;
	Datum	   *hashes,
			   *ids,
			   *bounds,
			   *uppers,
			   *numbers;
	int			nusers = 0;
	int			nread = 0;
	LoggedClick *logged;
	int			nlogged;
	int			li = 0;
	Changes		changes = {0};
	int			i,
				u;

	touched->n = 0;
	touched->max = Max(n, 16);
	touched->users = palloc(sizeof(Datum) * touched->max);
	touched->campaigns = palloc(sizeof(Datum) * touched->max);
	touched->times = palloc(sizeof(Datum) * touched->max);
	if (n == 0)
		return;

	if (!clickagg_classify_traffic)
	{
		/* clicks logged now are not remembered: start again when it is back on */
		clickagg_history_reset();
		for (i = 0; i < n; i++)
		{
			cands[i]->invalid_code = CLICKAGG_CODE_VALID;
			clickagg_touched_add(touched, cands[i]->user_id, cands[i]->campaign_id, cands[i]->event_time);
		}
		return;
	}

	clickagg_traffic_sync();
	byuser = palloc(sizeof(Arrival *) * n);
	for (i = 0; i < n; i++)
	{
		Arrival    *a = cands[i];

		a->invalid_code = clickagg_intrinsic_verdict(a->has_user_agent, a->ua_key,
													 a->user_agent, a->ip);
		a->user_hash = (int64) clickagg_hash_bytes(VARDATA_ANY(a->user_id),
												   VARSIZE_ANY_EXHDR(a->user_id));
		/* (not ahead of its arrival: a fast clock must not push the horizon) */
		if (Min(a->event_time, a->arrived_at) > history_newest)
			history_newest = Min(a->event_time, a->arrived_at);
		byuser[i] = a;
	}
	qsort(byuser, n, sizeof(Arrival *), compare_for_walk);
	rotate_histories();
	/* clicks older than the span may be forgotten from now on */
	raise_horizons(history_newest - HISTORY_SPAN);

	/* The pass's users, each remembered from now on. */
	user_start = palloc(sizeof(int) * (n + 1));
	for (i = 0; i < n; i++)
	{
		Arrival    *a = byuser[i];

		if (i > 0 && same_user(byuser[i - 1], a))
			continue;
		user_start[nusers++] = i;
		touch_user((uint64) a->user_hash, a->user_id);
	}
	user_start[nusers] = n;

	/*
	 * Each user's history, from the minute and the double-click window before
	 * its first new click: from memory when that is past the horizon, else
	 * from the log, up to the window after the minute of its last new click
	 * (the rest is read only if changes reach that far).  Entries move while
	 * the table grows: they are looked up now that all are in.
	 */
	user_lo = palloc(sizeof(TimestampTz) * nusers);
	user_read = palloc(sizeof(int) * nusers);
	user_memory = palloc(sizeof(UserHistory *) * nusers);
	hashes = palloc(sizeof(Datum) * nusers);
	ids = palloc(sizeof(Datum) * nusers);
	bounds = palloc(sizeof(Datum) * nusers);
	uppers = palloc(sizeof(Datum) * nusers);
	numbers = palloc(sizeof(Datum) * nusers);
	for (u = 0; u < nusers; u++)
	{
		Arrival    *a = byuser[user_start[u]];
		Arrival    *last = byuser[user_start[u + 1] - 1];
		UserHistory *h = histories_lookup(history_current->users, (uint64) a->user_hash);

		user_lo[u] = Min(minute_start(a->event_time), a->event_time - window);
		/* a hash two users share is not remembered: both always read the log */
		user_memory[u] = h->shared ? NULL : h;
		user_read[u] = -1;
		if (h->shared || !history_horizon_known[stream] || user_lo[u] < history_horizon[stream])
		{
			hashes[nread] = Int64GetDatum(a->user_hash);
			ids[nread] = PointerGetDatum(a->user_id);
			bounds[nread] = TimestampTzGetDatum(user_lo[u]);
			uppers[nread] = TimestampTzGetDatum(minute_start(last->event_time) + USECS_PER_MINUTE + window);
			numbers[nread] = Int32GetDatum(u);
			user_read[u] = nread++;
		}
	}
	logged = read_history(nread, hashes, ids, bounds, uppers, numbers, &nlogged);

	for (u = 0; u < nusers; u++)
	{
		int			nnew = user_start[u + 1] - user_start[u];
		Arrival   **fresh = byuser + user_start[u];
		UserHistory *h = user_memory[u];
		TrafficClick *old;
		TrafficClick *walk;
		Arrival   **origin;
		int16	   *old_verdict;
		int			nold = 0;
		int			first;
		TimestampTz hi;
		int			k;

		if (user_read[u] >= 0)
		{
			int			lstart = li;

			while (li < nlogged && logged[li].user == u)
				li++;
			nold = li - lstart;
			old = palloc(sizeof(TrafficClick) * Max(nold, 1));
			for (k = 0; k < nold; k++)
				old[k] = logged[lstart + k].click;
		}
		else
		{
			int			start = 0;

			while (start < h->n && h->clicks[start].event_time < user_lo[u])
				start++;
			nold = h->n - start;
			old = palloc(sizeof(TrafficClick) * Max(nold, 1));
			for (k = 0; k < nold; k++)
			{
				old[k].event_time = h->clicks[start + k].event_time;
				old[k].click_id = h->clicks[start + k].click_id;
				old[k].ad_key = h->clicks[start + k].ad_key;
				old[k].verdict = h->clicks[start + k].verdict;
			}
		}

		walk = palloc(sizeof(TrafficClick) * (nold + nnew));
		origin = palloc(sizeof(Arrival *) * (nold + nnew));
		old_verdict = palloc(sizeof(int16) * (nold + nnew));
		first = walk_user(old, nold, fresh, nnew, walk, origin, old_verdict);
		hi = user_read[u] >= 0 ? DatumGetTimestampTz(uppers[user_read[u]]) : DT_NOEND;

		if (user_read[u] >= 0 &&
			changes_reach(walk, origin, old_verdict, nold + nnew,
						  DatumGetTimestampTz(uppers[user_read[u]]), window))
		{
			/* rare: the changes may go on; read the rest and walk again */
			Datum		no_end = TimestampTzGetDatum(DT_NOEND);
			Datum		zero = Int32GetDatum(0);
			int			r = user_read[u];
			LoggedClick *all = read_history(1, &hashes[r], &ids[r], &bounds[r], &no_end, &zero, &nold);

			pfree(old);
			old = palloc(sizeof(TrafficClick) * Max(nold, 1));
			for (k = 0; k < nold; k++)
				old[k] = all[k].click;
			walk = repalloc(walk, sizeof(TrafficClick) * (nold + nnew));
			origin = repalloc(origin, sizeof(Arrival *) * (nold + nnew));
			old_verdict = repalloc(old_verdict, sizeof(int16) * (nold + nnew));
			first = walk_user(old, nold, fresh, nnew, walk, origin, old_verdict);
			hi = DT_NOEND;
		}

		for (k = first; k < nold + nnew; k++)
		{
			if (origin[k] != NULL)
			{
				origin[k]->invalid_code = walk[k].verdict;
				if (walk[k].verdict == CLICKAGG_CODE_VALID)
					clickagg_touched_add(touched, origin[k]->user_id, origin[k]->campaign_id,
										 origin[k]->event_time);
			}
			else if (old_verdict[k] != walk[k].verdict)
				changes_add(&changes, fresh[0]->user_id, &walk[k], old_verdict[k]);
		}
		if (h != NULL)
		{
			journal_history(h);
			remember(h, user_lo[u], hi, walk, nold + nnew);
		}
		else if (walk[nold + nnew - 1].event_time > history_current->newest_event)
			history_current->newest_event = walk[nold + nnew - 1].event_time;	/* see rotate_histories */
		pfree(old);
		pfree(walk);
		pfree(origin);
		pfree(old_verdict);
	}
	record_changes(&changes, touched);
	bound_histories();
}

/*
 * The rows (user_id, campaign_id, event_time) of the last SPI result, added
 * to *t: the clicks whose validity a pass changed, for attribution.
 */
void
clickagg_touched_add_result(TouchedClicks *t)
{
	uint64		i;

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		/* copied into the pass's SPI memory: it outlives this result */
		text	   *user_id = DatumGetTextPCopy(SPI_getbinval(tup, desc, 1, &isnull));

		clickagg_touched_add(t, user_id,
							 DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull)),
							 DatumGetTimestampTz(SPI_getbinval(tup, desc, 3, &isnull)));
	}
}

void
clickagg_touched_add(TouchedClicks *t, text *user_id, int64 campaign_id, TimestampTz event_time)
{
	if (t->max == 0)
	{
		/* a pass without new clicks */
		t->max = 16;
		t->users = palloc(sizeof(Datum) * t->max);
		t->campaigns = palloc(sizeof(Datum) * t->max);
		t->times = palloc(sizeof(Datum) * t->max);
	}
	else if (t->n == t->max)
	{
		t->max *= 2;
		t->users = repalloc(t->users, sizeof(Datum) * t->max);
		t->campaigns = repalloc(t->campaigns, sizeof(Datum) * t->max);
		t->times = repalloc(t->times, sizeof(Datum) * t->max);
	}
	t->users[t->n] = PointerGetDatum(user_id);
	t->campaigns[t->n] = Int64GetDatum(campaign_id);
	t->times[t->n] = TimestampTzGetDatum(event_time);
	t->n++;
}

/*
 * clickagg.traffic_lists_changed(): statement trigger on the list tables.
 * The relcache invalidation is sent at commit, so workers reload what was
 * committed.
 */
Datum
clickagg_traffic_lists_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "clickagg.traffic_lists_changed() must be called as a trigger");
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}

/* clickagg.is_bot(user_agent text) RETURNS text: the verdict of a user agent */
Datum
clickagg_is_bot_sql(PG_FUNCTION_ARGS)
{
	text	   *agent = PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0);

	ensure_lists();
	if (agent == NULL)
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(judge_agent(VARDATA_ANY(agent), VARSIZE_ANY_EXHDR(agent)) == CLICKAGG_CODE_BOT);
}

/* clickagg.is_datacenter_ip(ip inet) RETURNS boolean */
Datum
clickagg_is_datacenter_ip_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(clickagg_ip_in_datacenter(PG_GETARG_INET_PP(0)));
}

/*
 * How long a regex row may take on each of these 2 kB agents when it is
 * added (clickagg.check_bot_pattern): long runs of one character and of
 * the tokens real agents repeat are what makes a backtracking pattern slow.
 * The shipped regexes take a few microseconds on each.
 */
#define REGEX_CHECK_MS		2
#define REGEX_CHECK_LEN		CLICKAGG_MAX_USER_AGENT_LEN

static const struct
{
	const char *unit;			/* repeated to fill the agent */
	char		last;			/* its last byte, or 0 */
}			regex_checks[] = {
	{"a", 0}, {"a", '!'}, {"ab", 0}, {"0", 0}, {" ", 0}, {"/", 0},
	{"mozilla/5.0 (windows nt 10.0; win64; x64) applewebkit/537.36 (khtml, like gecko) ", 0}
};

/*
 * clickagg.check_bot_pattern(): BEFORE INSERT OR UPDATE row trigger on
 * clickagg.bot_patterns.  A regex row is compiled and run on long agents;
 * one that takes more than REGEX_CHECK_MS on any is refused, since the
 * stream would judge every new agent with it.
 */
Datum
clickagg_check_bot_pattern(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	Datum		d;
	char	   *pattern;
	BotPattern	p;
	int			u;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "clickagg.check_bot_pattern() must be a row trigger on INSERT or UPDATE");
	row = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	desc = RelationGetDescr(trigdata->tg_relation);
	d = heap_getattr(row, SPI_fnumber(desc, "regex"), desc, &isnull);
	if (isnull || !DatumGetBool(d))
		return PointerGetDatum(row);
	d = heap_getattr(row, SPI_fnumber(desc, "pattern"), desc, &isnull);
	if (isnull)
		return PointerGetDatum(row);
	pattern = TextDatumGetCString(d);

	if (lists_context == NULL)
		lists_context = AllocSetContextCreate(TopMemoryContext, "clickagg traffic lists",
											  ALLOCSET_DEFAULT_SIZES);
	memset(&p, 0, sizeof(p));
	if (!compile_pattern(pattern, &p, true))
		return PointerGetDatum(row);	/* (the CHECK constraint reports it) */

	for (u = 0; u < lengthof(regex_checks); u++)
	{
		const char *unit = regex_checks[u].unit;
		int			unit_len = strlen(unit);
		pg_wchar   *wide = palloc(sizeof(pg_wchar) * (REGEX_CHECK_LEN + 1));
		int			n;
		int			rc;
		instr_time	start,
					took;

		for (n = 0; n + unit_len <= REGEX_CHECK_LEN; n += unit_len)
			pg_mb2wchar_with_len(unit, wide + n, unit_len);
		if (regex_checks[u].last != 0)
			wide[n - 1] = (pg_wchar) (unsigned char) regex_checks[u].last;
		start_budget(REGEX_CHECK_MS * 20);
		INSTR_TIME_SET_CURRENT(start);
		PG_TRY();
		{
			rc = pg_regexec(p.regex, wide, n, 0, NULL, 0, NULL, 0);
		}
		PG_CATCH();
		{
			(void) end_budget();
			PG_RE_THROW();
		}
		PG_END_TRY();
		INSTR_TIME_SET_CURRENT(took);
		INSTR_TIME_SUBTRACT(took, start);
		(void) end_budget();
		pfree(wide);
		if (rc == REG_CANCEL || INSTR_TIME_GET_MILLISEC(took) > REGEX_CHECK_MS)
		{
			pg_regfree(p.regex);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
					 errmsg("bot pattern /%s/ is too slow", pattern),
					 errdetail("It took %s ms on a %d-byte user agent of \"%s\" repeated; a regular expression may take at most %d ms on each of %d such agents.",
							   rc == REG_CANCEL ? psprintf("over %d", REGEX_CHECK_MS * 20) :
							   psprintf("%.1f", INSTR_TIME_GET_MILLISEC(took)),
							   n, unit, REGEX_CHECK_MS, (int) lengthof(regex_checks)),
					 errhint("Avoid back references and nested quantifiers (such as (a+)+); a substring row (regex = false) is fastest.")));
		}
	}
	pg_regfree(p.regex);
	return PointerGetDatum(row);
}
