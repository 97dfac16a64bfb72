PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/segmenter run fixtures/seeds/000_ed115109cd96ec63.txt -o output
	$(BIN)/segmenter run fixtures/seeds/001_ec664edcb1221136.txt -o output
	$(BIN)/segmenter run fixtures/seeds/003_5417d37bc9da2a03.txt -o output
	$(BIN)/segmenter eval fixtures/gold output

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_textdump.py

clean:
	rm -rf $(VENV) output/*/
