# Shortcuts for make users: every target runs the same `python course.py ...` that people without
# make type, so both get the same environment (.venv) and the same commands.
PYTHON ?= python3

.PHONY: lab test notebooks bench data clean

lab:        ## build or update .venv, then open the course in JupyterLab
	$(PYTHON) course.py lab

test:       ## build or update .venv, then run every test, notebooks included
	$(PYTHON) course.py test

notebooks:  ## re-execute every notebook in place (normalised, deterministic outputs)
	$(PYTHON) course.py notebooks

bench:      ## speed and memory targets (tools/benchmark.py)
	$(PYTHON) course.py bench

data:       ## regenerate the sample data: c360lab generate --out data
	$(PYTHON) course.py data

clean:      ## delete .venv and the test caches
	$(PYTHON) course.py clean
