SHELL := /bin/bash
SWIFT ?= swift
# What the installed binary needs at run time (libetpan, GnuTLS, libxml2, SQLite, the CA store); no compiler
# headers, never Dovecot.
RUNTIME_PACKAGES := libetpan20 libgnutls30 libxml2 libsqlite3-0 ca-certificates
# To compile it: the headers of the same libraries.
BUILD_PACKAGES := $(RUNTIME_PACKAGES) libetpan-dev libxml2-dev libsqlite3-dev libgnutls28-dev pkg-config
# To test it: a private Dovecot, OpenSSL for its certificates, systemd-analyze and libseccomp (and a C compiler)
# to run the binary under the unit's own system-call filter, python3 for the fixture and benchmark scripts,
# PostgreSQL 15 for the ledger's PostgreSQL backend (a private server per test, never the system's).
TEST_PACKAGES := $(BUILD_PACKAGES) openssl dovecot-imapd python3 systemd libseccomp-dev gcc postgresql
APT_PACKAGES := $(TEST_PACKAGES)

.PHONY: deps deps-build deps-runtime build test demo bench bench-parse bench-hostile bench-post install

# Installs the Debian packages the build and tests need, only when missing.
deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_PACKAGES)"

deps-build:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(BUILD_PACKAGES)"

deps-runtime:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(RUNTIME_PACKAGES)"

.PHONY: apt-install
apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

# Serial: several suites hold real servers (Dovecot, the sandbox) and assert timeouts and rate
# windows, which parallel suites on a 2-core machine would distort.
# Ends with every failure repeated (the output is kept in .build/test-output.log), then a check that no
# Dovecot or notegate started by the tests is still running.
test: deps
	@status=0; mkdir -p .build; set -o pipefail; \
	$(SWIFT) test --no-parallel 2>&1 | tee .build/test-output.log || status=$$?; \
	scripts/test-failures.sh .build/test-output.log; \
	scripts/check-no-test-servers.sh || status=1; \
	exit $$status

# Parse + extract throughput against Python's email package on the same files.
bench-parse: deps
	benchmarks/bench-parse.sh

# Every crafted hostile message (Tests/HostileMail) at 25 MiB, each decided in a fresh release process:
# CPU seconds and peak memory above baseline, against the budget's goal of 1 s and 64 MiB.
bench-hostile: deps
	$(SWIFT) build -c release --product notegate-bench-parse
	"$$($(SWIFT) build -c release --show-bin-path)/notegate-bench-parse" --hostile $(HOSTILE_BYTES)

# Drains 500 notes through the LeadSquared client into an in-process sandbox enforcing 25 calls per 5 s
# (about 100 s); prints the sustained rate as a fraction of the 5 notes/s ceiling and the 429s met.
bench-post:
	$(SWIFT) build -c release --product notegate-bench
	"$$($(SWIFT) build -c release --show-bin-path)/notegate-bench" --notes 500

# The gateway end to end on loopback: a private Dovecot, the LeadSquared sandbox, a dozen
# realistic messages, one pass until the mailbox is drained, the summary and the ledger.
demo: deps
	$(SWIFT) build -q --product notegate
	$(SWIFT) build -q --product notegate-demo
	"$$($(SWIFT) build --show-bin-path)/notegate-demo"

# End to end (about 3 minutes): a 500-message backlog drained at the sandbox's 25 per 5 s limit
# (notes/s as a fraction of the 5/s ceiling, and 429s), then unthrottled ingest of 1,000 and
# 4,000 messages (messages/s and peak RSS, which should stay flat as the mailbox grows).
bench: deps
	$(SWIFT) build -q -c release --product notegate-bench-e2e
	"$$($(SWIFT) build -c release --show-bin-path)/notegate-bench-e2e" drain 500
	"$$($(SWIFT) build -c release --show-bin-path)/notegate-bench-e2e" ingest 1000
	"$$($(SWIFT) build -c release --show-bin-path)/notegate-bench-e2e" ingest 4000

# Ingest side by side with a Python imaplib peer on one test Dovecot mailbox (2,000 messages, then 10,000 for
# memory): messages/s and the ratio, bytes fetched against headers + text parts, peak RSS and CPU s per 1,000
# messages, for notegate once with posting paused and with posting to a sandbox process. See README BENCHMARKS.
.PHONY: bench-ingest
bench-ingest: deps
	benchmarks/bench-ingest.sh

# libFuzzer + AddressSanitizer on each fuzz target for FUZZ_SECONDS (default 60), one at a time,
# seeded from fixtures/; prints executions per target and in total. See "Fuzzing" in README.md.
.PHONY: fuzz
fuzz: deps
	scripts/fuzz.sh

PREFIX ?= /usr/local
# A release build with the Swift runtime linked in (so the host needs no Swift toolchain at run time), the
# systemd unit and a credentials folder in place; the config stays yours to write. Installs the runtime
# libraries and, to compile, their headers; never Dovecot or anything the tests use.
install: deps-build
	$(SWIFT) build -q -c release --static-swift-stdlib --product notegate
	install -D -m 755 "$$($(SWIFT) build -c release --static-swift-stdlib --show-bin-path)/notegate" \
		$(DESTDIR)$(PREFIX)/bin/notegate
	install -D -m 644 config/notegate.service $(DESTDIR)/etc/systemd/system/notegate.service
	install -D -m 644 config/notegate.example.yaml $(DESTDIR)/etc/notegate/notegate.example.yaml
	install -d -m 700 $(DESTDIR)/etc/notegate/credentials
	@echo "Installed. Write /etc/notegate/notegate.yaml (from notegate.example.yaml) and the secrets in"
	@echo "/etc/notegate/credentials/ (imap-password, leadsquared-access-key, leadsquared-secret-key; mode 0600),"
	@echo "then: systemctl daemon-reload && systemctl enable --now notegate (its ExecStartPre runs notegate check)"
