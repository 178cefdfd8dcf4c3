# The two commands a person needs: `make run` and `make test`. Both set up everything first.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
BUILD := .build/$(CONFIG)
PYTHON ?= python3
APT_PACKAGES := libzmq3-dev pkg-config librsvg2-bin zlib1g-dev
# Only for `make test`: the browser test (tests/python/test_browser.py) drives Debian's chromium, and
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
	@if [ -f tests/requirements.txt ]; then $(PYTHON) -m pip install -q --disable-pip-version-check -r tests/requirements.txt; fi
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

# Swift suites, then the Python suites that drive the installed kernel and the runner through Jupyter's
# own clients (jupyter_kernel_test, jupyter_client, nbclient, nbconvert, papermill).
# Each phase's wall time is printed at the end (artifacts/test-times.txt).
test: test-system-packages setup
	@mkdir -p artifacts; : > artifacts/test-times.txt
	@start=$$(date +%s); $(MAKE) --no-print-directory build; status=$$?; \
	  echo "build          $$(( $$(date +%s) - start )) s" >> artifacts/test-times.txt; exit $$status
	@start=$$(date +%s); $(MAKE) --no-print-directory swift-tests; status=$$?; \
	  echo "swift tests    $$(( $$(date +%s) - start )) s" >> artifacts/test-times.txt; exit $$status
	@start=$$(date +%s); $(MAKE) --no-print-directory python-tests; status=$$?; \
	  echo "python tests   $$(( $$(date +%s) - start )) s" >> artifacts/test-times.txt; exit $$status
	@echo "== time per phase =="; cat artifacts/test-times.txt

test-python: test-system-packages setup build python-tests

swift-tests:
	$(SWIFT) test -c $(CONFIG) -Xswiftc -enable-testing --skip-build

python-tests:
	@if ls tests/python/test_*.py >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory install && $(PYTHON) -m pytest -q --durations=15 tests/python; \
	else echo "no Python tests yet"; fi

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
