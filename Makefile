SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libetpan-dev libxml2-dev libsqlite3-dev pkg-config libgnutls28-dev openssl dovecot-imapd python3

.PHONY: deps build test bench-parse

# Installs the Debian packages the build and tests need, only when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

# Parse + extract throughput against Python's email package on the same files.
bench-parse: deps
	benchmarks/bench-parse.sh
