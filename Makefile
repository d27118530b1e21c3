# AESP — the two commands: `make run` (set up and serve the app) and `make test` (set up and run every test).
SHELL := /bin/bash
PORT ?= 8000

.PHONY: run test dev setup setup-test migrate demo-data screenshots clean

run: setup            ## set up, migrate, load demo data (default SQLite) and serve the production build on $(PORT)
	@bash scripts/run.sh

test: setup-test      ## set up what the tests need (Chromium included) and run the whole suite
	@bash scripts/test.sh

dev: setup            ## development server with hot reload (front end 3000, back end 8000)
	@bash scripts/run.sh --dev

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

migrate: setup
	@.venv/bin/python -m aesp_app migrate

demo-data: setup
	@.venv/bin/python -m aesp_app demo-data

clean:
	rm -rf .web .states .reflex .cache aesp.db
