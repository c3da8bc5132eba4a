/*-------------------------------------------------------------------------
 *
 * clickagg.h
 *		Declarations shared by the subsystems of clickagg.
 *
 * The data path, in one paragraph (docs/architecture.md has the long form):
 * a backend that INSERTs or COPYs into the view clickagg.clicks runs the
 * ingest trigger (ingest.c), which validates each row, gives it its click ID
 * (click_id.c) and appends it, without any unique check, to one of
 * CLICKAGG_STREAMS arrival streams chosen by a hash of the user.  Each stream
 * is a ring of CLICKAGG_SEGMENTS plain heap tables.  Background workers
 * (worker.c) own disjoint sets of streams; each pass (pass.c) moves the committed
 * arrivals of one stream into the day-partitioned raw log with exact
 * deduplication (dedup.c) and commits its progress in the same transaction.
 * pass.c lists the stages of a pass and the file of each.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLICKAGG_H
#define CLICKAGG_H

#include "access/transam.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "port/atomics.h"
#include "storage/condition_variable.h"
#include "storage/itemptr.h"
#include "storage/latch.h"
#include "storage/spin.h"
#include "utils/inet.h"
#include "utils/uuid.h"

/*
 * The number of arrival streams and of segments per stream are part of the
 * on-disk layout (the install script creates one table per segment), so they
 * are constants, not settings.  A stream is the unit of ownership: exactly one
 * worker moves a given stream at a time, which is what makes the dedup probe
 * race-free.  Workers are at most as many as streams.
 */
#define CLICKAGG_STREAMS		8
#define CLICKAGG_SEGMENTS		4
#define CLICKAGG_MAX_WORKERS	CLICKAGG_STREAMS

#define CLICKAGG_SCHEMA			"clickagg"

/* Bytes of an error message kept in shared memory for the status views. */
#define CLICKAGG_ERROR_LEN		256

/* The version of the SQL objects this library reads and writes. */
#define CLICKAGG_SQL_VERSION	"0.6.0"

/* Limits on the text fields of a click, in bytes. */
#define CLICKAGG_MAX_USER_ID_LEN	256
#define CLICKAGG_MAX_USER_AGENT_LEN 2048

/*
 * Columns of an arrival segment (clickagg.arrival_<stream>_<segment>), in
 * attribute order.  The install script must match.
 */
enum
{
	ARRIVAL_TXID = 0,			/* xid8: top-level transaction that ingested */
	ARRIVAL_ARRIVED_AT,			/* timestamptz: statement start of ingest */
	ARRIVAL_CLICK_ID,			/* uuid */
	ARRIVAL_EVENT_TIME,			/* timestamptz */
	ARRIVAL_CAMPAIGN_ID,		/* int8 */
	ARRIVAL_AD_ID,				/* int8 */
	ARRIVAL_COST_MICROS,		/* int8 */
	ARRIVAL_UA_KEY,				/* int4: the user agent's dictionary key, if known */
	ARRIVAL_USER_ID,			/* text */
	ARRIVAL_USER_AGENT,			/* text: the user agent, when not keyed */
	ARRIVAL_IP,					/* inet, may be null */
	/* the dimensions (0.6.0), each may be null */
	ARRIVAL_COUNTRY,			/* int2: the two letters' ASCII codes, high byte first */
	ARRIVAL_DEVICE,				/* int2: ClickDevice, as supplied */
	ARRIVAL_PUBLISHER_ID,		/* int8 */
	ARRIVAL_PLACEMENT_ID,		/* int8 */
	ARRIVAL_NATTS
};

/* The columns of a 0.5.0 arrival segment: ingest writes those until the update. */
#define ARRIVAL_NATTS_0_5	(ARRIVAL_IP + 1)

/* Columns of the raw log (clickagg.click_log and its day partitions). */
enum
{
	LOG_CLICK_ID = 0,			/* uuid */
	LOG_EVENT_TIME,				/* timestamptz, the partition key */
	LOG_COST_MICROS,			/* int8 */
	LOG_AD_KEY,					/* int4, clickagg.ads */
	LOG_UA_KEY,					/* int4, clickagg.user_agents; null if none */
	LOG_INVALID_CODE,			/* int2, clickagg.invalid_reasons; null if valid */
	LOG_IP,						/* inet, may be null */
	LOG_USER_ID,				/* text */
	/* the dimensions, each null when unknown */
	LOG_COUNTRY,				/* int2, as ARRIVAL_COUNTRY */
	LOG_DEVICE,					/* int2, ClickDevice: supplied, else the agent's */
	LOG_PLACEMENT_KEY,			/* int4, clickagg.placements; null if neither is known */
	LOG_NATTS
};

/* Why a click was kept aside in clickagg.rejected_clicks. */
typedef enum RejectReason
{
	REJECT_NONE = 0,
	REJECT_FUTURE,				/* beyond clickagg.max_clock_skew ahead */
	REJECT_EXPIRED,				/* older than clickagg.retention */
	REJECT_SET_ASIDE			/* failed every pass (processing_error) */
} RejectReason;

/*
 * Shared state of one stream.  current_segment is read without a lock by
 * every ingesting backend and written only by the stream's owner.  Chains
 * (see queue.c) are numbered: the owner bumps chains_started before taking
 * a chain's snapshot and sets chain_done when the chain's pass has committed,
 * so a chain numbered above what wait_for_stream() read at its call saw
 * every transaction committed before the call.
 */
/*
 * The stages of a pass (pass.c), timed: each stream's owner adds the
 * microseconds its passes spent in each, shown by clickagg.stage_times().
 */
typedef enum PassStage
{
	STAGE_READ,					/* reading the arrivals (queue.c) */
	STAGE_INTERN,				/* new dictionary values, outside the pass */
	STAGE_FATES,				/* rejected, copies in the batch (dedup.c) */
	STAGE_DICTIONARIES,			/* the clicks' keys (dictionary.c) */
	STAGE_DEVICES,				/* devices not supplied (devices.c) */
	STAGE_PROBE,				/* partitions, dedup against the log */
	STAGE_CLASSIFY,				/* verdicts and corrections (classify.c) */
	STAGE_IP_LATE,				/* the late-IP queue (ip_rate.c) */
	STAGE_ROLLUP,				/* rollup deltas (rollup.c) */
	STAGE_COUNTERS,				/* fate counters (counters.c) */
	STAGE_LOG,					/* the log's rows (rawlog.c) */
	STAGE_REJECTED,				/* rejected rows (rawlog.c) */
	STAGE_ATTRIBUTION,			/* conversions credited (attribution.c) */
	STAGE_IP_FINDINGS,			/* the IP findings recorded (ip_rate.c) */
	STAGE_COMMIT,				/* progress saved, commit (queue.c) */
	PASS_STAGES
} PassStage;

typedef struct ClickaggStream
{
	pg_atomic_uint32 current_segment;
	pg_atomic_uint64 chains_started;	/* bumped before a chain's snapshot */
	pg_atomic_uint64 chain_done;	/* number of the last complete chain */

	/*
	 * Commits of transactions that wrote to the stream (arrivals,
	 * conversions, IP findings; ingest.c): such a transaction adds one to
	 * writes_in_flight and then to write_seq before it commits, and takes
	 * one from writes_in_flight once it has committed (or aborted).  A chain
	 * that, before its snapshot, reads write_seq and then finds nothing in
	 * flight has seen every write counted in that write_seq; once complete
	 * it publishes it as chain_done_seq (PG_UINT64_MAX: none yet).  While
	 * write_seq still equals chain_done_seq nothing was written since, and
	 * wait_for_stream() needs no new chain (queue.c).
	 */
	pg_atomic_uint64 write_seq;
	pg_atomic_uint64 writes_in_flight;
	pg_atomic_uint64 chain_done_seq;
	pg_atomic_uint64 moved;		/* arrivals moved since startup */
	pg_atomic_uint64 accepted;
	pg_atomic_uint64 duplicates;
	pg_atomic_uint64 rejected;
	pg_atomic_uint64 passes;
	pg_atomic_uint64 last_pass_end; /* TimestampTz */
	/* clicks moved per second, over windows of RATE_WINDOW_MS (pass.c) */
	pg_atomic_uint64 rate_window_start; /* TimestampTz */
	pg_atomic_uint64 rate_window_moved;
	pg_atomic_uint64 rate_millis;	/* clicks per 1000 s in the last window */
	/* failed passes and rows set aside (isolation.c), since startup */
	pg_atomic_uint64 failed_passes;
	pg_atomic_uint64 set_aside;
	pg_atomic_uint32 failing;	/* failed passes in a row now */
	pg_atomic_uint64 stage_usecs[PASS_STAGES];	/* time in each stage */
	/* under ClickaggShared.mutex: the last failure */
	TimestampTz last_error_at;
	char		last_error[CLICKAGG_ERROR_LEN];
} ClickaggStream;

typedef struct ClickaggWorkerSlot
{
	pid_t		pid;			/* 0 when not running */
	Latch	   *latch;			/* the worker's process latch */
	bool		extension_ready;	/* false while waiting for the extension */
	bool		extension_outdated; /* waiting for ALTER EXTENSION UPDATE */
} ClickaggWorkerSlot;

/* The folder's figures, like a stream's. */
typedef struct ClickaggFolder
{
	pg_atomic_uint64 failed_folds;
	pg_atomic_uint64 set_aside;	/* delta rows set aside since startup */
	pg_atomic_uint32 failing;
	pg_atomic_uint64 fold_usecs;	/* time in folds since startup */
	pg_atomic_uint64 folded;	/* delta rows folded since startup */
	pg_atomic_uint64 judge_usecs;	/* time judging the IP click rate */

	/*
	 * Sweeps: every delta row committed before a sweep begins is folded (or
	 * set aside) once it is done (clickagg_wait_for_fold, on Citus, where
	 * the views read the totals alone).  sweeps_done is the number of the
	 * last complete sweep; sweep_wanted asks the folder not to wait out its
	 * interval.
	 */
	pg_atomic_uint64 sweeps_begun;
	pg_atomic_uint64 sweeps_done;
	pg_atomic_uint32 sweep_wanted;
	/* under ClickaggShared.mutex */
	Latch	   *latch;			/* the folder's process latch; NULL before it runs */
	TimestampTz last_error_at;
	char		last_error[CLICKAGG_ERROR_LEN];
} ClickaggFolder;

/*
 * The whole shared segment.  mutex protects the worker slots and the last
 * error texts; everything else is atomic.
 */
typedef struct ClickaggShared
{
	slock_t		mutex;
	ConditionVariable progress_cv;	/* broadcast after each complete pass */
	ClickaggWorkerSlot workers[CLICKAGG_MAX_WORKERS];
	ClickaggStream streams[CLICKAGG_STREAMS];
	pg_atomic_uint64 last_fold_end; /* TimestampTz of the last rollup fold */
	ClickaggFolder folder;
} ClickaggShared;

/*
 * a + b, or an error (22003) naming what is summed: sums of money and of
 * counts never wrap.  A pass or a fold that fails this way is retried and,
 * if it keeps failing, has the rows that make it fail set aside (pass.c).
 */
static inline int64
clickagg_add_checked(int64 a, int64 b, const char *what)
{
	int64		sum;

	if (unlikely(pg_add_s64_overflow(a, b, &sum)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s out of range: " INT64_FORMAT " + " INT64_FORMAT " is beyond a bigint", what, a, b)));
	return sum;
}

/*
 * The declarations below are grouped by the file that defines them.  Files
 * call "down" only: tools/check-callgraph.sh fails the build when two files
 * reach each other.  pass.c is the one caller of the pass's stages.
 */

/* settings.c: every clickagg.* setting (README.md says what each means) */
extern void clickagg_settings_init(void);
extern char *clickagg_database;
extern int	clickagg_workers;
extern int	clickagg_naptime_ms;
extern int	clickagg_pass_delay_ms;
extern int	clickagg_batch_size;
extern int	clickagg_max_clock_skew_s;
extern int	clickagg_retention_s;
extern int	clickagg_fold_interval_ms;
extern int	clickagg_fold_window_blocks;
extern int	clickagg_billing_delay_s;
extern int	clickagg_billing_cycle_s;
extern int	clickagg_max_clicks_per_user_day;
extern int	clickagg_max_clicks_per_ip_day;
extern int64 clickagg_max_cost_micros;
extern int64 clickagg_max_conversion_value_micros;
extern int	clickagg_dictionary_cache_kb;
extern bool clickagg_allow_drop_with_clicks;
extern int	clickagg_ip_click_rate_delay_ms;
extern int	clickagg_dedup_cache_kb;
extern int	clickagg_double_click_window_ms;
extern int	clickagg_max_clicks_per_user_minute;
extern int	clickagg_max_clicks_per_ip_minute;
extern int	clickagg_attribution_window_s;
extern bool clickagg_classify_traffic;
extern int	clickagg_bot_pattern_timeout_ms;
extern int	clickagg_history_cache_kb;
extern bool clickagg_classify_non_browser;

/* shmem.c */
extern ClickaggShared *clickagg_shared;
extern void clickagg_shmem_init(void);
extern bool clickagg_wait_for_fold(int64 timeout_ms);
extern void clickagg_require_preload(void);
extern int	clickagg_stream_owner(int stream);
extern void clickagg_wake_stream_owner(int stream);

/* plans.c */
extern struct _SPI_plan *clickagg_prepare_kept(const char *sql, int nargs, Oid *argtypes);
extern Datum clickagg_int_array(Datum *values, bool *nulls, int n, bool int8);

/* inserter.c: many rows into a table as COPY writes them */
typedef struct Inserter Inserter;
struct RelationData;
struct TupleTableSlot;
extern Inserter *clickagg_inserter_begin(struct RelationData *rel, bool check_constraints);
extern struct TupleTableSlot *clickagg_inserter_slot(Inserter *ins);
extern void clickagg_inserter_store(Inserter *ins, struct TupleTableSlot *slot);
extern void clickagg_inserter_end(Inserter *ins);
extern void clickagg_refuse_triggers(struct RelationData *rel, bool updates);

/* sketch.c: postgresql-hll's type and functions, by its schema, and its sketches made here */
/* The rollups' sketch: hll_add_agg(h, 13, 5, -1, 1). */
#define CLICKAGG_SKETCH_LOG2M		13
#define CLICKAGG_SKETCH_NREGS		(1 << CLICKAGG_SKETCH_LOG2M)
#define CLICKAGG_SKETCH_REGWIDTH	5
#define CLICKAGG_SKETCH_MAXREG		((1 << CLICKAGG_SKETCH_REGWIDTH) - 1)

/*
 * hll's automatic explicit threshold (expthresh -1): as many 8-byte hashes
 * as fit in the bytes of the FULL registers, 8192 * 5 bits / 64 = 640.
 */
#define CLICKAGG_SKETCH_EXPLICIT_MAX \
	((CLICKAGG_SKETCH_NREGS * CLICKAGG_SKETCH_REGWIDTH / 8) / (int) sizeof(int64))

/*
 * A set of users' hashes as hll holds them for hll_add_agg(h, 13, 5, -1, 1):
 * the distinct hashes, sorted as signed integers, while there are at most
 * CLICKAGG_SKETCH_EXPLICIT_MAX of them, then the registers, one byte each.
 * Zeroed, it is empty.
 */
typedef struct UserSketch
{
	int64	   *hashes;			/* explicit: distinct hashes, sorted (signed) */
	int			nhashes;
	int			hashes_cap;		/* allocated length of hashes */
	uint8	   *registers;		/* CLICKAGG_SKETCH_NREGS, once past the cutoff */
} UserSketch;

extern void clickagg_sketch_add(UserSketch *s, MemoryContext cxt, int64 hash);
extern void clickagg_sketch_merge(UserSketch *a, const UserSketch *b, MemoryContext cxt);
extern bool clickagg_sketch_add_packed(UserSketch *s, MemoryContext cxt, const uint8 *data, Size len);
extern bytea *clickagg_sketch_pack(const UserSketch *s);	/* (NULL: empty) */
extern void clickagg_hll_function(FmgrInfo *fn, MemoryContext cxt, const char *name,
								  int nargs, const Oid *argtypes);
extern Oid	clickagg_hll_type(void);
extern char *clickagg_hll_schema(void);

/* hash.c */
extern uint64 clickagg_hash_bytes(const char *data, size_t len);
extern uint32 clickagg_hash_ad(int64 campaign_id, int64 ad_id);
extern int	clickagg_user_stream(const char *user_id, int len);

/* click_id.c */
extern void clickagg_compute_click_id(pg_uuid_t *out, const char *user_id,
									  int user_id_len, int64 ad_id,
									  TimestampTz event_time,
									  const char *user_agent,
									  int user_agent_len);
extern bool clickagg_click_id_time_valid(TimestampTz t);
extern int64 clickagg_click_key(const pg_uuid_t *id);
extern int32 clickagg_utc_day(TimestampTz t);

/* Two texts with the same bytes. */
static inline bool
clickagg_same_text(const text *x, const text *y)
{
	return VARSIZE_ANY_EXHDR(x) == VARSIZE_ANY_EXHDR(y) &&
		memcmp(VARDATA_ANY(x), VARDATA_ANY(y), VARSIZE_ANY_EXHDR(x)) == 0;
}

/*
 * The start of the bucket of the given width (a minute, an hour, a day, in
 * microseconds) that t is in: timestamptz counts from a UTC midnight, so
 * UTC buckets start at multiples of their width.
 */
static inline TimestampTz
clickagg_bucket_start(TimestampTz t, int64 width)
{
	int64		rem = t % width;

	return t - (rem < 0 ? rem + width : rem);
}

/* The start of a timestamp's UTC minute. */
static inline TimestampTz
clickagg_minute_start(TimestampTz t)
{
	return clickagg_bucket_start(t, USECS_PER_MINUTE);
}

/* hostaddr.c */
extern inet *clickagg_host_of(inet *ip);
extern inet *clickagg_host_address(inet *ip, const char *column, const char *relation);

/* dimensions.c: country and device codes (ClickDevice, below) */
extern int16 clickagg_country_code(Datum country);
extern int16 clickagg_device_code(Datum device);
extern const char *clickagg_device_name(int code);

/* cluster.c: on Citus, the intake that routes clicks to their user's node */
#define CLUSTER_INTAKE			"click_intake"
#define CLUSTER_CONVERSION_INTAKE	"conversion_intake"
extern void clickagg_cluster_init(void);
extern bool clickagg_cluster_distributed(void);
extern void clickagg_cluster_route_row(Datum *values, bool *nulls, int natts);
extern bool clickagg_cluster_wait_for_nodes(int64 timeout_ms);

/* ingest.c */
extern void clickagg_ingest_init(void);
extern void clickagg_ingest_touch_stream(int stream);

/* One arrival of a stream, as a pass reads it and its stages decide it. */
typedef struct Arrival
{
	TimestampTz arrived_at;
	TimestampTz event_time;
	pg_uuid_t	click_id;		/* zero when !has_click_id */
	bool		has_click_id;	/* false: event time outside the IDs' range */
	int64		campaign_id;
	int64		ad_id;
	int64		cost_micros;
	text	   *user_id;
	bool		has_user_agent; /* false when the click had none */
	text	   *user_agent;		/* its text, or NULL when it came keyed */
	int32		ua_key;			/* dictionary key (from ingest or interned) */
	inet	   *ip;				/* NULL when missing */
	int16		country;		/* 0 when unknown; else as ARRIVAL_COUNTRY */
	int16		device;			/* ClickDevice; DEVICE_UNKNOWN when unknown */
	bool		device_supplied;	/* sent with the click (else derived, pass.c) */
	bool		has_publisher_id;
	bool		has_placement_id;
	int64		publisher_id;
	int64		placement_id;
	bool		has_placement_key;	/* has_publisher_id || has_placement_id */
	int32		day;			/* UTC day number of event_time */
	int64		click_key;		/* clickagg_click_key(&click_id) */
	int32		ad_key;			/* filled by the dictionaries */
	int32		placement_key;	/* filled by the dictionaries when has_placement_key */
	int16		invalid_code;	/* clickagg.invalid_reasons; 0 if valid */
	int64		user_hash;		/* clickagg.user_hash(user_id), set when read */
	RejectReason reject;
	bool		duplicate;
	struct Arrival *copy_of;	/* for a copy within the batch: the one kept */
} Arrival;

/* Clicks whose validity is new or changed in a pass: (user, campaign, time). */
typedef struct TouchedClicks
{
	int			n;
	int			max;
	Datum	   *users;
	Datum	   *campaigns;
	Datum	   *times;
} TouchedClicks;

/* touched.c */
extern void clickagg_touched_add(TouchedClicks *t, text *user_id, int64 campaign_id,
								 TimestampTz event_time);
extern void clickagg_touched_add_result(TouchedClicks *t);

/* queue.c: a snapshot reduced to top-level full transaction IDs, like pg_snapshot */
typedef struct XidSnapshot
{
	FullTransactionId xmin;
	FullTransactionId xmax;
	int			nxip;
	FullTransactionId *xip;		/* sorted ascending */
} XidSnapshot;

/* A stream's row of clickagg.stream_progress, and its segments. */
typedef struct StreamProgress
{
	bool		has_done;
	XidSnapshot done;			/* P: every arrival visible here is moved */
	bool		has_chain;
	XidSnapshot chain;			/* B: the pass in progress reads these */
	int			chain_segment;
	ItemPointerData chain_position; /* last TID read, or invalid */
	TimestampTz max_event_time; /* newest event logged, or DT_NOBEGIN */
	Oid			segments[CLICKAGG_SEGMENTS];
} StreamProgress;

extern void clickagg_queue_open(int stream, StreamProgress *progress);
extern int	clickagg_queue_read(StreamProgress *progress, Arrival *out, int room, bool *complete);
extern void clickagg_queue_save(int stream, StreamProgress *progress, bool complete, int moved);
extern void clickagg_queue_chain_done(int stream);

/* dedup.c: the fates of a part of a pass's batch */
typedef struct DedupBatch
{
	Arrival   **unique;			/* one per click ID, by day and click key */
	int			nunique;
	Arrival   **rejected;		/* for their event time */
	int			nrejected;
	Arrival   **fresh;			/* the unique ones not logged before */
	int			nfresh;
	Oid		   *partitions;		/* each day's, at the index of its first unique */
	Oid		   *partition_indexes;	/* and their user indexes */
} DedupBatch;

extern void clickagg_dedup_fates(Arrival *arrivals, int count, DedupBatch *batch);
extern void clickagg_dedup_probe(int stream, DedupBatch *batch);

/* lookup.c: a day partition's clicks by user, bounded by minute */
typedef struct LogLookup LogLookup;

extern LogLookup *clickagg_lookup_begin(struct RelationData *heap, struct RelationData *user_index);
extern void clickagg_lookup_user(LogLookup *lookup, int64 user_hash, TimestampTz lo, TimestampTz hi);
extern bool clickagg_lookup_next(LogLookup *lookup, struct TupleTableSlot *slot);
extern void clickagg_lookup_end(LogLookup *lookup);

/* rawlog.c: a day partition's indexes are named <partition> and these */
#define LOG_USER_INDEX		"_user"
#define LOG_MINUTE_INDEX	"_minute"

extern void clickagg_log_partition_name(int32 day, char name[NAMEDATALEN]);
extern Oid	clickagg_log_partition_oid(int32 day, char name[NAMEDATALEN]);
extern Oid	clickagg_log_partition_index(const char *partition, const char *suffix);
extern void clickagg_log_partitions(DedupBatch *batch);
extern TimestampTz clickagg_log_write(const DedupBatch *batch);
extern void clickagg_log_rejected(Arrival **rows, int n, const char *sqlstate,
								  const char *message);

/* dictionary.c */
extern void clickagg_dictionary_reset(void);
extern uint64 clickagg_dictionary_generation(void);
extern void clickagg_dictionary_mark(void);
extern int	clickagg_dictionary_undo(int32 **retracted);
extern void clickagg_dictionary_resolve(Arrival **cands, int ncands);
extern bool clickagg_dictionary_has_misses(const Arrival *arrivals, int n);
extern void clickagg_dictionary_touch(Arrival **cands, int n);
extern bool clickagg_user_agent_key(text *agent, int32 *key);
extern text *clickagg_user_agent_text(int32 key, bool missing_ok);

/* counters.c */
extern void clickagg_counters_add(const char *relname, int nkeys, int ncounters,
								  int nrows, const Datum *keys, const int64 *deltas);
extern void clickagg_counters_record(const char *totals, const char *deltas, int stream,
									 int nkeys, int ncounters,
									 int nrows, const Datum *keys, const int64 *counts);
extern void clickagg_counters_record_fates(int stream, Arrival *arrivals, int count);

/*
 * reconcile.c: a rollup level's figures over a range per (campaign, ad), as
 * clickagg.rollup_level_sums() returns them: clicks, invalid_clicks,
 * spend_micros, conversions, conversion_value_micros.
 */
#define CLICKAGG_LEVEL_FIGURES 5
typedef struct RollupLevelSum
{
	int64		campaign_id;
	int64		ad_id;
	int64		figures[CLICKAGG_LEVEL_FIGURES];
} RollupLevelSum;
extern RollupLevelSum *clickagg_level_sums(const char *level, TimestampTz lo, TimestampTz hi,
										   int *nsums);

/* billing.c: the largest daily click cap the batch can apply */
#define CLICKAGG_MAX_DAILY_CAP	60000

/* rollup.c */
extern void clickagg_rollup_record(Arrival *arrivals, int count);

/* codes of clickagg.invalid_reasons */
#define CLICKAGG_CODE_VALID			0
#define CLICKAGG_CODE_BOT			1
#define CLICKAGG_CODE_NO_USER_AGENT	2
#define CLICKAGG_CODE_DOUBLE_CLICK	3
#define CLICKAGG_CODE_DATACENTER_IP	4
#define CLICKAGG_CODE_CLICK_RATE	5
#define CLICKAGG_CODE_USER_DAILY_CAP 6
#define CLICKAGG_CODE_IP_DAILY_CAP	7
#define CLICKAGG_CODE_IP_CLICK_RATE	8
#define CLICKAGG_CODE_NON_BROWSER	9

/* One click of a user, as the sequence rules see it. */
typedef struct TrafficClick
{
	TimestampTz event_time;
	pg_uuid_t	click_id;
	int32		ad_key;
	int16		intrinsic;		/* verdict on the click alone */
	int16		verdict;		/* the walk's answer (given for history) */
} TrafficClick;

/*
 * devices.c: the device a user agent is sent from, judged once per agent
 * key.  The codes are stored in the raw log and the rollups (clickagg.devices
 * names them): a code's meaning never changes.
 */
typedef enum ClickDevice
{
	DEVICE_UNKNOWN = 0,			/* no user agent, or not supplied and not derivable */
	DEVICE_DESKTOP = 1,
	DEVICE_MOBILE = 2,
	DEVICE_TABLET = 3,
	DEVICE_CTV = 4,
	DEVICE_OTHER = 5
} ClickDevice;

#define DEVICE_MAX	DEVICE_OTHER

extern int16 clickagg_agent_device(int32 ua_key, text *agent);
extern int16 clickagg_device_of_text(const char *agent, int len);
extern bool clickagg_agent_is_browser(const char *lower);
extern void clickagg_devices_forget_agents(const int32 *keys, int n);

/* bots.c: the lists, and the verdict on a click alone */
extern void clickagg_bots_reset(void);
extern void clickagg_bots_forget_agents(const int32 *keys, int n);
extern void clickagg_bots_judge_on_budget(bool on);
extern void clickagg_bots_sync(void);
extern void clickagg_bots_hold(void);
extern void clickagg_bots_release(void);
extern Size clickagg_bots_serialized_size(void);
extern void clickagg_bots_serialize(char *dest);
extern void clickagg_bots_restore(const char *src);
extern int16 clickagg_agent_verdict(int32 ua_key, text *agent);
extern bool clickagg_ip_in_datacenter(inet *ip);
extern int16 clickagg_intrinsic_verdict(bool has_agent, int32 ua_key, text *agent, inet *ip);

/* rules.c: the walk over one user's clicks (stream and nightly batch) */
extern void clickagg_walk_user_clicks(TrafficClick *clicks, int n, int first);

/* history.c: per-user memory of a worker's streams */
typedef struct UserHistory UserHistory;

extern void clickagg_history_reset(void);
extern void clickagg_history_mark(void);
extern void clickagg_history_undo(void);
extern void clickagg_history_set_horizon(int stream, TimestampTz newest_logged);
extern void clickagg_history_advance(TimestampTz newest);
extern void clickagg_history_touch_user(uint64 hash, text *user_id);
extern UserHistory *clickagg_history_entry(uint64 hash);
extern bool clickagg_history_covers(int stream, TimestampTz lo);
extern int	clickagg_history_clicks_since(const UserHistory *h, TimestampTz lo, TrafficClick **out);
extern void clickagg_history_replace(UserHistory *h, TimestampTz lo, TimestampTz hi,
									 TrafficClick *walk, int n);
extern void clickagg_history_note_event(TimestampTz event_time);
extern void clickagg_history_bound(void);

/* classify.c */
extern void clickagg_classify_pass(int stream, Arrival **cands, int n, TouchedClicks *touched);

/* ip_rate.c */
extern void clickagg_ip_rate_note_late(Arrival **fresh, int n);
extern void clickagg_ip_rate_apply(int stream, TouchedClicks *touched);

/* attribution.c */
typedef struct ConversionBatch
{
	int			n;
	ItemPointerData *tids;		/* rows of clickagg.conversion_arrivals */
} ConversionBatch;

extern void clickagg_conversions_waiting(int stream, int room, ConversionBatch *batch);
extern void clickagg_attribute_pass(int stream, TouchedClicks *touched,
									const ConversionBatch *batch);
extern void clickagg_set_aside_conversion(int stream, ItemPointer tid, const char *sqlstate,
										  const char *message);
extern void clickagg_attribution_reset(void);
extern void clickagg_attribution_prefetch(int stream, const Arrival *arrivals, int n);

/* isolation.c: the rows of a failing batch set aside, and retries */
typedef struct BisectCalls
{
	void		(*process) (void *arg, int start, int end); /* items [start, end) */
	void		(*set_aside) (void *arg, int item, const struct ErrorData *edata);
	void		(*forget) (void *arg);	/* after a rollback: what caches learnt */
	void	   *arg;
	void		(*swap) (void *arg, int i, int j);	/* items i and j trade places; may be NULL */
} BisectCalls;

typedef struct Retry
{
	int			failures;		/* failed attempts in a row */
	TimestampTz retry_at;		/* no attempt before this */
} Retry;

/* An error kept for the status views: its SQLSTATE and message, cut to fit. */
typedef struct ErrorNote
{
	int			sqlerrcode;		/* 0: none */
	char		text[CLICKAGG_ERROR_LEN];	/* "SQLSTATE: message" */
} ErrorNote;

extern struct ErrorData *clickagg_catch_error(void);
extern void clickagg_note_error(ErrorNote *note, const struct ErrorData *edata);
extern int	clickagg_bisect(const BisectCalls *calls, int n, int chunk, int max_set_aside,
							struct ErrorData **last_error);
extern struct ErrorData *clickagg_in_subtransaction(void (*fn) (void *), void *arg);
extern void clickagg_blame_begin(const void *base, Size item_size, int nitems);
extern void clickagg_blame_item(const void *item);
extern void clickagg_blame_clear(void);
extern bool clickagg_retry_due(const Retry *retry, TimestampTz now);
extern void clickagg_retry_failed(Retry *retry, TimestampTz now);
extern void clickagg_retry_succeeded(Retry *retry);

/* recent.c */
typedef enum RecentAnswer
{
	RECENT_SEEN,				/* logged: a duplicate */
	RECENT_NEW,					/* certainly not logged */
	RECENT_UNKNOWN				/* probe the index */
} RecentAnswer;

extern void clickagg_recent_reset(void);
extern bool clickagg_recent_begin_pass(void);
extern void clickagg_recent_mark(void);
extern bool clickagg_recent_undo(void);
extern bool clickagg_recent_horizon_known(int stream);
extern void clickagg_recent_set_horizon(int stream, TimestampTz newest_logged);
extern RecentAnswer clickagg_recent_check(int stream, const pg_uuid_t *click_id,
										  TimestampTz event_time);

/* background.c: what the workers and the folder share */
typedef enum ExtensionState
{
	EXTENSION_ABSENT,
	EXTENSION_OUTDATED,			/* older than this library: wait for UPDATE */
	EXTENSION_READY
} ExtensionState;

extern void clickagg_background_setup(void);
extern void clickagg_background_recover(void);
extern void clickagg_reset_caches(void);
extern ExtensionState clickagg_extension_state(void);
extern bool clickagg_extension_usable(void);
extern bool clickagg_extension_outdated(void);
extern void clickagg_work_begin(const char *activity);
extern void clickagg_work_commit(void);
extern void clickagg_work_end(void);

/* pass.c: the orchestrator */
typedef enum PassOutcome
{
	PASS_IDLE,					/* chain complete, nothing moved */
	PASS_MOVED,					/* moved something; look again soon */
	PASS_NO_EXTENSION,
	PASS_OLD_EXTENSION			/* the SQL objects are older than this library */
} PassOutcome;

extern PassOutcome clickagg_pass_run(int stream);
extern void clickagg_pass_note_error(int stream, const ErrorNote *note, int failing);

/* worker.c and folder.c: background worker entry points */
extern PGDLLEXPORT void clickagg_worker_main(Datum main_arg) pg_attribute_noreturn();
extern PGDLLEXPORT void clickagg_folder_main(Datum main_arg) pg_attribute_noreturn();

#endif							/* CLICKAGG_H */
