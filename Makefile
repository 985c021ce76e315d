# dossier — two commands do all the set-up on a fresh Debian machine:
#   make run    install what is missing, then run the service (embedded defaults)
#   make test   install what is missing, then run the whole test suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

# OCR engine and its language data; CJK fonts (the sample generator and
# the form's handwriting-like Kai font); servers the tests start when the
# machine has none running; Chromium for the browser tests.
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng tesseract-ocr-osd \
	fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming fonts-wqy-microhei \
	redis-server postgresql python3-venv chromium

export OMP_THREAD_LIMIT := 1

.PHONY: run test system-deps venv lint flood

run: system-deps $(STAMP)
	$(VENV)/bin/dossier db upgrade
	$(VENV)/bin/dossier users ensure-admin
	$(VENV)/bin/dossier run

test: system-deps $(STAMP)
	$(VENV)/bin/pytest -q

# 1,000 forms into three channels, two workers on Redis + PostgreSQL, one
# killed twice: every file accounted for exactly once (a long run of its own).
flood: system-deps $(STAMP)
	$(PY) -m tests.faults.flood

lint: $(STAMP)
	$(VENV)/bin/ruff check .

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,samples]'
	$(PY) -m pip install -q --no-deps 'rapidocr-onnxruntime==1.4.4'
	touch $(STAMP)
