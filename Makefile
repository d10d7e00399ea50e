# Reelwright: `make demo` and `make test` are the two commands a new user needs.
# Both install missing Debian packages first (scripts/install-deps.sh), then build with CMake.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DEMO_DIR ?= demo
DEMO_IDEA ?= On her wedding night, a bride is framed for fraud by her husband and her sister and thrown out of the family firm; five years later she returns as the mystery investor who now owns half of it.

.PHONY: all deps configure build demo test clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Makes a three-episode revenge series on the built-in engines and renders it.
demo: build
	@if [ ! -f $(DEMO_DIR)/reelwright.yaml ]; then \
	  ./$(BUILD_DIR)/reelwright new $(DEMO_DIR) --idea "$(DEMO_IDEA)" --genre revenge --episodes 3 --lang en; \
	fi
	@./$(BUILD_DIR)/reelwright build $(DEMO_DIR)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j 2 --timeout 900

clean:
	rm -rf $(BUILD_DIR)
