# alikms: `make serve` starts the emulator, `make test` runs every test. Both install what they need first.
SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json

.PHONY: serve test build bench deps system-deps clean provider-tarball

$(NODE_MODULES): package.json package-lock.json emulator/package.json provider/package.json sdk/nodejs/package.json
	npm ci --no-audit --no-fund
	@touch $@

deps: $(NODE_MODULES)

# The emulator package (emulator/dist: CLI, library, alikms/testing) and the provider plugin (provider/dist, also loaded
# by `alikms drift`).
build: deps
	npm run build

serve: build
	node emulator/bin/alikms.js serve $(ARGS)

# Test prerequisites from Debian (SoftHSM2 for the PKCS#11 backend, PostgreSQL for the shared store, Chromium for the
# console's browser tests).
system-deps:
	@bash scripts/system-deps.sh

# ts-jest compiles each file alone (isolatedModules), so the tests are type-checked here first; formatting is
# prettier's (`npm run format` fixes it). Two jest projects: `default`, and `packaging` (npm pack + install into fresh
# projects: the plugin tarball and the consumer test); `npx jest --selectProjects default` skips the slow one.
test: build system-deps
	npm run typecheck
	npm run format:check
	npx jest --ci

# Throughput/latency/cold start through the HTTP API, the per-algorithm crypto comparison, and what installing the
# packages costs a user (bench/results/).
bench: build
	node bench/run.js
	node bench/crypto.js
	node bench/install.js
	node bench/scale.js

# The Pulumi plugin tarball: pulumi plugin install resource alikms <version> --file dist/pulumi-resource-alikms-v*.tar.gz
provider-tarball: deps
	bash provider/scripts/pack-plugin.sh

clean:
	rm -rf dist emulator/dist provider/dist sdk/nodejs/bin
