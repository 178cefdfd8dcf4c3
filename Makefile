# The two commands a person needs: `make run` and `make test`. Both set up everything first.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
BUILD := .build/$(CONFIG)
PYTHON ?= python3
APT_PACKAGES := libzmq3-dev pkg-config librsvg2-bin zlib1g-dev
# Only for `make test`: the browser test (e2e/python/test_browser.py) drives Debian's chromium, and
# the fonts let chart text render there.
APT_TEST_PACKAGES := chromium fonts-liberation fonts-dejavu-core
PREFIX ?=

.PHONY: all setup system-packages test-system-packages apt-install python-packages build install test test-python swift-tests python-tests run bench clean

all: build

setup: system-packages python-packages

# Debian packages the build needs (and, for the tests, APT_TEST_PACKAGES), installed only when missing.
system-packages:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

test-system-packages:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES) $(APT_TEST_PACKAGES)"

apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

# Python tools used by the tests (Jupyter's own clients) and by `make run`, and the papermill plugin.
python-packages:
	@if [ -f e2e/requirements.txt ]; then $(PYTHON) -m pip install -q --disable-pip-version-check -r e2e/requirements.txt; fi
	$(PYTHON) -m pip install -q --disable-pip-version-check --no-deps --no-index ./integrations/papermill

# One build serves `make run`, the tests and the install: the products and the test bundles in one
# configuration (testable, so `swift test --skip-build` can use it). Building the product without tests and
# then `swift test` compiled every module twice, in two configurations.
SWIFT_BUILD_FLAGS := -c $(CONFIG) --build-tests -Xswiftc -enable-testing

build: system-packages
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

# Builds and installs the kernel (kernelspec `swift-inference`) for this user, or with PREFIX=/some/prefix
# under that prefix (PREFIX/share/swift-inference, PREFIX/share/jupyter/kernels, PREFIX/bin), through
# scripts/install.sh, the same steps the Dockerfile and binder/postBuild run. The installed kernel needs
# neither the checkout nor .build/.
install: build
	SWIFT_INFERENCE_BUILT="$(BUILD)" scripts/install.sh $(if $(PREFIX),--prefix $(PREFIX),--user)

# The build, then the Swift suites and the Python suites at once (they share nothing but the build): the
# Python suites drive the kernel and the runner through Jupyter's own clients (jupyter_kernel_test,
# jupyter_client, nbclient, nbconvert, papermill, nbgrader, JupyterLab). The Python output streams; the Swift
# suites' goes to artifacts/swift-tests.log and is shown after (all of it when they failed). Either failing
# fails `make test`. Each phase's wall time is printed at the end (artifacts/test-times.txt).
test: test-system-packages setup
	@mkdir -p artifacts; : > artifacts/test-times.txt
	@$(call timed,build,build)
	@( $(call timed,swift-tests,swift tests) ) > artifacts/swift-tests.log 2>&1 & swift=$$!; \
	  ( $(call timed,python-tests SWIFT_INFERENCE_BIN="$(TEST_BIN)",python tests) ); python=$$?; \
	  wait $$swift; swift=$$?; \
	  echo "== swift tests (artifacts/swift-tests.log) =="; \
	  if [ $$swift = 0 ]; then tail -n 5 artifacts/swift-tests.log; else cat artifacts/swift-tests.log; fi; \
	  echo "== time per phase =="; cat artifacts/test-times.txt; \
	  [ $$swift = 0 ] && [ $$python = 0 ]

# $(call timed,TARGET,LABEL): makes TARGET and appends its wall time under LABEL to artifacts/test-times.txt.
timed = start=$$(date +%s); $(MAKE) --no-print-directory $(1); status=$$?; \
  printf '%-13s %5d s%s\n' "$(2)" $$(( $$(date +%s) - start )) "$$([ $$status = 0 ] || echo "   FAILED")" \
  >> artifacts/test-times.txt; exit $$status

test-python: test-system-packages setup python-tests

swift-tests:
	$(SWIFT) test -c $(CONFIG) -Xswiftc -enable-testing --skip-build

# The executable the Python suites test: SWIFT_INFERENCE_BIN when given (then nothing is built), else this
# build's. conftest.py installs it into a temporary prefix, so the tests never change the user's Jupyter.
TEST_BIN = $(or $(SWIFT_INFERENCE_BIN),$(CURDIR)/$(BUILD)/swift-inference)
# Two workers (pytest-xdist); conftest.py puts each module, and the modules sharing executed lectures, on one.
PYTEST_FLAGS ?= -q --durations=15 -n 2 --dist loadgroup

python-tests: $(if $(SWIFT_INFERENCE_BIN),,build)
	SWIFT_INFERENCE_BIN="$(TEST_BIN)" $(PYTHON) -m pytest $(PYTEST_FLAGS) e2e/python

run: setup install
	@mkdir -p out
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
	  $(BUILD)/swift-inference execute notebooks/*.ipynb --output-dir out; \
	else \
	  $(BUILD)/swift-inference execute examples/*.ipynb --output-dir out; \
	fi
	@echo "Executed notebooks are in out/. Open the originals with: jupyter lab notebooks/ (kernel: Swift (Inference))"

bench: build
	$(SWIFT) run -c release --package-path Benchmarks EngineBenchmark

clean:
	rm -rf .build out
