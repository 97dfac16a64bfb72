PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

# Debian packages, one line each with why (add a line, never edit another's):
# poppler-utils gives pdftotext, the `pdftotext -layout` baseline of issue #3
DEBS := poppler-utils
# chromium renders `segmenter review` pages headless in tests/test_review.py (DOM + screenshot)
DEBS += chromium
# fonts-noto-cjk: CJK glyphs for the review screenshots (Debian's chromium has no CJK font)
DEBS += fonts-noto-cjk
# tesseract-ocr (with eng) and its Chinese packs: the Tesseract OCR engine of issue #5 (scans)
DEBS += tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert

$(STAMP): pyproject.toml
	dpkg -s $(DEBS) >/dev/null 2>&1 || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(DEBS))
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	for f in fixtures/seeds/*.txt; do $(BIN)/segmenter run $$f -o output || exit 1; done
	$(BIN)/segmenter eval fixtures/gold output
	@echo "naive baseline on the same pages:"
	rm -rf output/.baseline && for f in fixtures/seeds/*.txt; do $(BIN)/segmenter run --baseline $$f -o output/.baseline >/dev/null; done
	$(BIN)/segmenter eval fixtures/gold output/.baseline

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_textdump.py && $(BIN)/python benchmarks/bench_pdf.py

clean:
	rm -rf $(VENV) output/*/
