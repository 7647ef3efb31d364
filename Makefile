# Zhida — the two commands of the README (`make run`, `make test`) and their parts.
BUILD_DIR ?= build
DB ?= var/zhida.db
PORT ?= 8080
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: setup configure build binary web run test clean

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

# Everything: the binary, the tests, the benchmarks' helpers, the web app.
build: configure web
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Only what `make run` needs: build/zhida and the web app.
binary: configure web
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target zhida

web: setup
	@bash scripts/build_web.sh

run: binary
	@bash scripts/run.sh $(BUILD_DIR)/zhida $(DB) $(PORT)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 1200

clean:
	rm -rf $(BUILD_DIR) web/dist
