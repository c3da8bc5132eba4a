/*-------------------------------------------------------------------------
 *
 * bots.c
 *		The lists and the verdict on a click alone ("intrinsic").
 *
 * Rules about the click alone (clickagg.invalid_reasons): no_user_agent
 * (missing, blank or "-"), bot (the user agent matches clickagg.bot_patterns:
 * case-insensitive substrings, or regular expressions in PostgreSQL's own
 * ARE syntax), non_browser (the agent looks like no known browser or app,
 * devices.c says; clickagg.classify_non_browser), datacenter_ip (the IP lies
 * in clickagg.datacenter_ranges), in this order.
 * The rules about a user's clicks in order are in rules.c.
 *
 * User agents are judged once per dictionary key, and the verdicts kept by
 * key; the lists are loaded once per process and reloaded after a change
 * (statement triggers on the two tables send a relcache invalidation,
 * delivered at commit), and the verdicts are dropped when the dictionary's
 * keys may have changed meaning (clickagg_dictionary_generation) or
 * clickagg.classify_non_browser was changed.  In the
 * workers each agent is judged on a time budget
 * (clickagg.bot_pattern_timeout); a new regex row is checked at insert
 * against long agents (clickagg_check_bot_pattern).
 *
 * A parallel worker of the billing scan is given its leader's lists
 * (clickagg_bots_restore) rather than loading its own.
 *
 * Locking: AccessShareLock on clickagg.bot_patterns and datacenter_ranges
 * while loading them.  All memory here is backend-local.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/socket.h>

#include "access/parallel.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
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
#include "storage/proc.h"
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
PG_FUNCTION_INFO_V1(clickagg_agent_verdict_code_sql);
PG_FUNCTION_INFO_V1(clickagg_is_datacenter_ip_sql);
PG_FUNCTION_INFO_V1(clickagg_check_bot_pattern);

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
static uint64 verdicts_dictionary_generation = 0;	/* the keys' meaning they were judged by */
static bool verdicts_non_browser = true;	/* clickagg.classify_non_browser they were judged with */
static bool lists_from_leader = false;	/* a parallel worker's: never reloaded */
static LocalTransactionId lists_held_in = InvalidLocalTransactionId;	/* see clickagg_bots_hold */

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

	verdicts_dictionary_generation = clickagg_dictionary_generation();
	verdicts_non_browser = clickagg_classify_non_browser;

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
clickagg_bots_reset(void)
{
	lists_loaded = false;
}

/*
 * The lists, loaded if a change to them or to the dictionary (whose keys
 * the verdicts are kept by) came since; the verdicts forgotten if
 * clickagg.classify_non_browser changed since they were judged.
 */
static inline void
ensure_lists(void)
{
	if (lists_from_leader ||
		(lists_held_in != InvalidLocalTransactionId && lists_held_in == MyProc->lxid))
	{
		/* the lists as they are, for the whole scan; the verdicts as below */
		if (verdicts_dictionary_generation != clickagg_dictionary_generation() ||
			verdicts_non_browser != clickagg_classify_non_browser)
		{
			agents_reset(agent_verdicts);
			verdicts_dictionary_generation = clickagg_dictionary_generation();
			verdicts_non_browser = clickagg_classify_non_browser;
		}
	}
	else if (!lists_loaded || verdicts_dictionary_generation != clickagg_dictionary_generation())
		load_lists();
	else if (verdicts_non_browser != clickagg_classify_non_browser)
	{
		agents_reset(agent_verdicts);
		verdicts_non_browser = clickagg_classify_non_browser;
	}
}

/*
 * Make the lists current for the caller's snapshot.  A change to a list
 * commits (and sends its invalidation) before any click sent after it
 * commits; so once the snapshot that reads a click is taken, taking in the
 * pending invalidations is enough for that click to be judged with it.
 */
void
clickagg_bots_sync(void)
{
	/* (a hold left by a scan that failed in this transaction ends here) */
	lists_held_in = InvalidLocalTransactionId;
	AcceptInvalidationMessages();
	ensure_lists();
}

/*
 * Keep the lists as they are now until clickagg_bots_release() or the end
 * of the transaction, whatever invalidation comes meanwhile: the billing
 * scan judges a whole day with one set of lists, and its leader may not
 * read them again while it is in parallel mode (nor could its workers).
 */
void
clickagg_bots_hold(void)
{
	ensure_lists();
	lists_held_in = MyProc->lxid;
}

void
clickagg_bots_release(void)
{
	lists_held_in = InvalidLocalTransactionId;
}

/*
 * The lists for a parallel worker (the billing scan's): the leader's own, as
 * they are, since a worker may not take a newer snapshot to read them and
 * must judge as the leader does.  Serialized as the pattern count, the range
 * count, each pattern's flags and text with its NUL, then the ranges.
 */
Size
clickagg_bots_serialized_size(void)
{
	Size		size = 2 * sizeof(int32);
	int			i;

	ensure_lists();
	for (i = 0; i < npatterns; i++)
		size = add_size(size, 3 + strlen(patterns[i].text) + 1);
	return add_size(size, mul_size(nranges, sizeof(IpRange)));
}

void
clickagg_bots_serialize(char *dest)
{
	int32		counts[2] = {npatterns, nranges};
	int			i;

	memcpy(dest, counts, sizeof(counts));
	dest += sizeof(counts);
	for (i = 0; i < npatterns; i++)
	{
		Size		len = strlen(patterns[i].text) + 1;

		*dest++ = patterns[i].exclude;
		*dest++ = patterns[i].at_start;
		*dest++ = (patterns[i].regex != NULL);
		memcpy(dest, patterns[i].text, len);
		dest += len;
	}
	memcpy(dest, ranges, sizeof(IpRange) * nranges);
}

void
clickagg_bots_restore(const char *src)
{
	int32		counts[2];
	MemoryContext old;
	int			i;

	Assert(IsParallelWorker());
	if (lists_context == NULL)
		lists_context = AllocSetContextCreate(TopMemoryContext, "clickagg traffic lists",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(lists_context);
	memcpy(counts, src, sizeof(counts));
	src += sizeof(counts);
	old = MemoryContextSwitchTo(lists_context);
	patterns = palloc0(sizeof(BotPattern) * Max(counts[0], 1));
	any_regex = false;
	for (i = 0; i < counts[0]; i++)
	{
		BotPattern *p = &patterns[i];
		bool		is_regex;

		p->exclude = src[0];
		p->at_start = src[1];
		is_regex = src[2];
		src += 3;
		p->text = pstrdup(src);
		src += strlen(src) + 1;
		/* it compiled in the leader */
		if (is_regex && !compile_pattern(p->text, p, false))
			elog(ERROR, "bot pattern /%s/ compiled in the leader but not in a parallel worker", p->text);
		any_regex |= is_regex;
	}
	npatterns = counts[0];
	ranges = palloc(sizeof(IpRange) * Max(counts[1], 1));
	memcpy(ranges, src, sizeof(IpRange) * counts[1]);
	nranges = counts[1];
	agent_verdicts = agents_create(lists_context, 1024, NULL);
	MemoryContextSwitchTo(old);
	verdicts_dictionary_generation = clickagg_dictionary_generation();
	verdicts_non_browser = clickagg_classify_non_browser;
	lists_from_leader = true;
}

/*
 * A time budget for the regular expressions while the stream judges one
 * agent (clickagg.bot_pattern_timeout).  PostgreSQL's regex engine stops
 * with REG_CANCEL when a query cancel is pending, so the timer raises that
 * flag, and the judge lowers it again once the regex has stopped.  The
 * nightly batch judges without a budget.
 */
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
clickagg_bots_judge_on_budget(bool on)
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
 * The intrinsic verdict on a user agent's text: no_user_agent, bot,
 * non_browser or valid.
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
	bool		non_browser = false;
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
	/* (the device rules are plain scans, linear in the agent: no budget) */
	if (!bot && clickagg_classify_non_browser)
	{
		lower[end] = '\0';
		non_browser = !clickagg_agent_is_browser(lower + start);
	}
	pfree(lower);
	if (wide != NULL)
		pfree(wide);
	return bot ? CLICKAGG_CODE_BOT : non_browser ? CLICKAGG_CODE_NON_BROWSER : CLICKAGG_CODE_VALID;
}

/*
 * Forget the verdicts cached for these agent keys, and their devices
 * (devices.c): a part of a pass that interned them rolled back, and a key
 * that is free again may be given to another agent.
 */
void
clickagg_bots_forget_agents(const int32 *keys, int n)
{
	int			i;

	clickagg_devices_forget_agents(keys, n);
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

/*
 * clickagg.traffic_lists_changed(): statement trigger on the list tables.
 * The relcache invalidation is sent at commit, so workers reload what was
 * committed.
 */
Datum
clickagg_traffic_lists_changed(PG_FUNCTION_ARGS)
{
	Oid			nsp;
	Oid			shell;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "clickagg.traffic_lists_changed() must be called as a trigger");

	/*
	 * The tables of those names, which the lists are loaded from and
	 * watched by: on Citus this fires on a node's shard of a reference table
	 * (bot_patterns_102008), not on the table its workers read.
	 */
	nsp = get_namespace_oid(CLICKAGG_SCHEMA, false);
	shell = get_relname_relid("bot_patterns", nsp);
	if (OidIsValid(shell))
		CacheInvalidateRelcacheByRelid(shell);
	shell = get_relname_relid("datacenter_ranges", nsp);
	if (OidIsValid(shell))
		CacheInvalidateRelcacheByRelid(shell);
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

/*
 * clickagg.agent_verdict_code(user_agent text) RETURNS smallint: the verdict
 * on an agent alone, as the stream and the batch judge it (0: valid;
 * clickagg.agent_verdict() names it)
 */
Datum
clickagg_agent_verdict_code_sql(PG_FUNCTION_ARGS)
{
	text	   *agent = PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0);

	ensure_lists();
	if (agent == NULL)
		PG_RETURN_INT16(CLICKAGG_CODE_NO_USER_AGENT);
	PG_RETURN_INT16(judge_agent(VARDATA_ANY(agent), VARSIZE_ANY_EXHDR(agent)));
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

	/*
	 * The shipped list, inserted by the extension's own script, was checked
	 * when it was made (tools/bots/); timing it again on a loaded server
	 * could only make CREATE EXTENSION or an update fail at random.
	 */
	if (creating_extension)
		return PointerGetDatum(row);

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
