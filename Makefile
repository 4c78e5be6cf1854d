# Two commands do everything: `make run` and `make test`. Both create the
# virtual environment on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench dist deb-test clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) main.py --demo

# One worker per core; a test file stays on one worker, so the databases and reports a
# module builds once are built once. The modules are compiled first: where
# PYTHONDONTWRITEBYTECODE is set, every process the tests start (the command line, the
# upgrade that is killed, chart workers) would otherwise compile them from source again.
test: $(STAMP)
	$(PY) -m compileall -q -j 0 qmsdesk tests main.py >/dev/null
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n auto --dist loadfile
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/startup.py

# The one-folder bundle in dist/qmsdesk, a smoke test of the frozen program itself, then
# the Linux package dist/qmsdesk_VERSION_ARCH.deb. `make deb-test` (root) installs the
# package, smoke-tests the installed program and removes it again.
dist: $(STAMP)
	$(PY) -m pip install --quiet -e ".[dist]"
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller installer/qmsdesk.spec
	installer/smoke_test.sh dist/qmsdesk/qmsdesk
	$(PY) installer/linux/build_deb.py --bundle dist/qmsdesk --out dist

deb-test:
	installer/linux/test_deb.sh $$(ls -t dist/qmsdesk_*.deb | head -n 1)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
