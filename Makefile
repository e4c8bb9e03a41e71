# sixhave — the two commands a new user needs are `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
SITE   ?= default
PORT   ?= 8000
PYTEST_ARGS ?=
# The suite runs in parallel (pytest-xdist): one worker per core, each with its own databases and
# Redis prefixes; the browser tests stay together in one worker (--dist loadgroup).
PYTEST_WORKERS ?= auto

# Debian packages the Python packages and the tests need: libmariadb-dev (to build `mariadb`),
# fonts-noto-cjk (Chinese PDFs), chromium (browser tests); nodejs and npm when node is missing
# (the JavaScript client tests install frappe-js-sdk from the npm registry); libreoffice-calc (the
# import tests convert a workbook the way LibreOffice saves it).
OS_PACKAGES := libmariadb-dev fonts-noto-cjk chromium libreoffice-calc $(if $(shell command -v node),,nodejs npm)
JS_TESTS := tests/clients/js
# The desk (desk/): npm ci from the committed lock, then the Vite build into desk/dist, each only
# when its inputs changed (stamp files), so a repeated `make test` stays quick.
DESK := desk
DESK_SOURCES := $(shell find $(DESK)/src -type f 2>/dev/null) $(DESK)/index.html $(DESK)/vite.config.js $(DESK)/package.json

.PHONY: install os-deps run test bench clean-venv

install: os-deps $(VENV)/.installed $(JS_TESTS)/node_modules/.installed $(DESK)/dist/.built

os-deps:
	@missing=""; for p in $(OS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "安装系统软件包:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "请先安装系统软件包: sudo apt-get install$$missing"; exit 1; fi; \
	fi

$(VENV)/.installed: pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

$(JS_TESTS)/node_modules/.installed: $(JS_TESTS)/package.json
	cd $(JS_TESTS) && npm install --no-audit --no-fund --silent
	@touch $@

$(DESK)/node_modules/.installed: $(DESK)/package-lock.json
	cd $(DESK) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(DESK)/dist/.built: $(DESK)/node_modules/.installed $(DESK_SOURCES)
	cd $(DESK) && npm run build --silent
	@touch $@

run: install
	@test -f sites/$(SITE)/site_config.json || $(BIN)/sixhave new-site $(SITE) --admin-password admin --set-default
	@$(BIN)/sixhave --site $(SITE) migrate
	@$(BIN)/sixhave --site $(SITE) demo --branches 24 --year 2018 --seed 1 --if-empty
	@echo ""
	@echo "  sixhave 已启动：请在浏览器打开 http://127.0.0.1:$(PORT)"
	@echo "  登录账号 Administrator，初始密码 admin（登录后请修改）；演示账号密码均为 demo1234，例如："
	@echo "    支部书记 branch0001.secretary@wuxi.example · 区级审核员 liangxi.reviewer@wuxi.example · 市级审核员 city.reviewer@wuxi.example"
	@echo ""
	@$(BIN)/sixhave --site $(SITE) serve --port $(PORT)

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

clean-venv:
	rm -rf $(VENV)
