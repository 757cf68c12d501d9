SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libetpan-dev libxml2-dev libsqlite3-dev pkg-config libgnutls28-dev openssl dovecot-imapd python3

.PHONY: deps build test demo bench bench-parse bench-post install

# Installs the Debian packages the build and tests need, only when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# Serial: several suites hold real servers (Dovecot, the sandbox) and assert timeouts and rate
# windows, which parallel suites on a 2-core machine would distort.
test: deps
	$(SWIFT) test --no-parallel

# Parse + extract throughput against Python's email package on the same files.
bench-parse: deps
	benchmarks/bench-parse.sh

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

PREFIX ?= /usr/local
# A release build and the systemd unit in place; the config stays yours to write.
install: deps
	$(SWIFT) build -q -c release --product notegate
	install -D -m 755 "$$($(SWIFT) build -c release --show-bin-path)/notegate" $(DESTDIR)$(PREFIX)/bin/notegate
	install -D -m 644 config/notegate.service $(DESTDIR)/etc/systemd/system/notegate.service
	install -D -m 644 config/notegate.example.yaml $(DESTDIR)/etc/notegate/notegate.example.yaml
	@echo "Installed. Write /etc/notegate/notegate.yaml (from notegate.example.yaml) and /etc/notegate/notegate.env,"
	@echo "then: notegate check --config /etc/notegate/notegate.yaml && systemctl daemon-reload && systemctl enable --now notegate"
