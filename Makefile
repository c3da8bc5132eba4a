# clickagg: PGXS build.  `make test` and `make demo` are the two commands of
# the README; everything else here is ordinary PGXS.

EXTENSION = clickagg
MODULE_big = clickagg
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))
DATA = $(wildcard clickagg--*.sql)
SHLIB_LINK = -lxxhash

REGRESS = click_id ingest dedup errors roles rollups billing traffic conversions restarts poison limits loss_paths bounded reconcile upgrade
# The suites run in one existing database, the one clickagg.database names,
# so that the workers serve it (pg_regress would otherwise drop and create
# its own, which a worker connected to it prevents).
REGRESS_OPTS = --use-existing
ISOLATION = concurrent_duplicates concurrent_batches concurrent_rollups concurrent_billing concurrent_conversions concurrent_ip_rate concurrent_poison
ISOLATION_OPTS = --use-existing
TAP_TESTS = 1

PG_CONFIG ?= pg_config
PG_CPPFLAGS = -Wall -Wmissing-prototypes -Werror

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)

CONTRIB_TESTDB = clickagg_regress
ISOLATION_TESTDB = clickagg_regress

# every source includes the shared header
$(OBJS): src/clickagg.h
else
# A fresh machine: `make test` and `make demo` install what is missing first.
all install installcheck:
	@echo "PostgreSQL's build files (PGXS) are missing; run 'make deps' or 'make test'" >&2; exit 1
endif

.PHONY: test demo deps tapcheck

# Install what a fresh Debian 12 machine lacks, build, install, run every suite.
test:
	tools/test.sh

demo:
	tools/demo.sh

deps:
	tools/install-deps.sh

# TAP suites only, against the installed build (run as a non-root user).
tapcheck:
	$(prove_installcheck)
