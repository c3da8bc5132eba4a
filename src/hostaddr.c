/*-------------------------------------------------------------------------
 *
 * hostaddr.c
 *		A click's IP address as one host.
 *
 * The IP rules (the click rate per address and minute, the daily cap per
 * address, the data-center ranges) count clicks per host.  An inet value
 * also carries a netmask, and compares unequal to the same address with
 * another mask: '198.51.100.77/24' and '198.51.100.77/25' are two groups
 * to every GROUP BY and hash of the whole value, so a sender could spread
 * one host's clicks over 32 groups.  Likewise '::ffff:198.51.100.77' is the
 * IPv4 host written as IPv6.  So ingest accepts only host addresses and
 * stores each host in one form (clickagg_host_address), and readers of
 * rows logged before 0.5.0 normalize the same way (clickagg_host_of).
 *
 * No locks; no shared state.
 *
 * Copyright (c) 2026, the clickagg authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/socket.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/inet.h"

#include "clickagg.h"

PG_FUNCTION_INFO_V1(clickagg_host_sql);

/* ::ffff:a.b.c.d, the IPv4-mapped IPv6 addresses (RFC 4291, 2.5.5.2) */
static const uint8 v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

static bool
is_v4_mapped(const inet *ip)
{
	return ip_family(ip) == PGSQL_AF_INET6 &&
		memcmp(ip_addr(ip), v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

/*
 * The host an address names, in its one stored form: the netmask dropped
 * (full length), an IPv4-mapped IPv6 address as IPv4.  Returns ip itself
 * when it is already in that form, else a palloc'd copy.
 */
inet *
clickagg_host_of(inet *ip)
{
	inet	   *host;

	if (ip_bits(ip) == ip_maxbits(ip) && !is_v4_mapped(ip))
		return ip;
	host = palloc0(sizeof(inet));
	if (is_v4_mapped(ip))
	{
		ip_family(host) = PGSQL_AF_INET;
		memcpy(ip_addr(host), ip_addr(ip) + 12, 4);
	}
	else
	{
		ip_family(host) = ip_family(ip);
		memcpy(ip_addr(host), ip_addr(ip), ip_addrsize(ip));
	}
	ip_bits(host) = ip_maxbits(host);
	SET_INET_VARSIZE(host);
	return host;
}

/*
 * For ingest: the host of a click's address, refusing an address with a
 * netmask shorter than its full length (a network is not a host).  column
 * and relation name the field in the error.
 */
inet *
clickagg_host_address(inet *ip, const char *column, const char *relation)
{
	if (ip_bits(ip) != ip_maxbits(ip))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("value for column \"%s\" of relation \"%s\" must be a host address, not a network",
						column, relation),
				 errdetail("Failing value: %s, a /%d netmask; a host address is /%d or has no netmask.",
						   DatumGetCString(DirectFunctionCall1(inet_out, InetPGetDatum(ip))),
						   ip_bits(ip), ip_maxbits(ip)),
				 errhint("Send the client's own address, for example host(ip)::inet.")));
	return clickagg_host_of(ip);
}

/* clickagg.host(ip inet) RETURNS inet: the host an address names, as ingest stores it */
Datum
clickagg_host_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INET_P(clickagg_host_of(PG_GETARG_INET_PP(0)));
}
