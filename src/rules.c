/*-------------------------------------------------------------------------
 *
 * rules.c
 *		The rules about one user's clicks in order: click_rate, double_click.
 *
 * A user's clicks, sorted by (event_time, click_id), are walked once:
 * click_rate flags the user's clicks in one UTC minute beyond
 * clickagg.max_clicks_per_user_minute (every click counts), double_click
 * the same ad less than clickagg.double_click_window after the user's last
 * valid click on it.  The intrinsic verdict (bots.c) comes first, then
 * click_rate, then double_click.  A verdict depends only on the click and
 * on the user's earlier clicks, so the verdicts are a function of the set
 * of clicks, not of the order in which they arrive.  The stream
 * (classify.c) and the nightly batch (billing.c) run this same walk, which
 * is why they agree.
 *
 * Locking: none; a pure function of its input.
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
		TimestampTz m = clickagg_minute_start(c->event_time);

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
