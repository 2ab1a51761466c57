# The README's two commands. Both bootstrap everything they need first
# (Debian packages, .venv, a local PostGIS unless DATABASE_URL is set).
.PHONY: run test bench lint

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:
	bash scripts/bootstrap.sh && .venv/bin/python bench/import.py && .venv/bin/python bench/locate.py

lint:
	.venv/bin/ruff check .
