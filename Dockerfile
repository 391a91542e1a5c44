# bzpeer API image: a virtualenv built in one stage, copied into a slim runtime stage that
# runs as an unprivileged user. `docker compose up` (compose.yaml) runs it on PostgreSQL.
#
# Layout. `bzpeer db upgrade` finds alembic.ini and migrations/ at app.cli.REPO_ROOT, the
# parent of the imported `app` package. A plain `pip install .` would import `app` from
# site-packages and leave the migrations behind, so the source tree lives at /app and is
# installed *editable*: the venv only holds a path hook to /app, `app` is imported from
# /app/app, and REPO_ROOT is /app, next to /app/alembic.ini and /app/migrations. That hook
# names absolute paths, so /app and /opt/venv keep the same paths in both stages.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when they
# change, not on every source edit. (All of them ship manylinux wheels: no compiler.)
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

# Then the project itself (see "Layout" above), and bytecode compiled now: at run time
# /app belongs to root and is read-only for the service user.
COPY README.md alembic.ini ./
COPY migrations ./migrations
COPY app ./app
RUN pip install --no-deps --editable . \
    && python -m compileall -q app migrations


FROM ${PYTHON_IMAGE} AS runtime
# Without a database URL of its own the service uses SQLite in /data, a volume the service
# user owns; compose.yaml points it at PostgreSQL instead.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    BZPEER_WORKERS=2 \
    BZPEER_DATABASE_URL=sqlite:////data/bzpeer.db

RUN groupadd --system --gid 10001 bzpeer \
    && useradd --system --uid 10001 --gid bzpeer --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin bzpeer \
    && mkdir /data && chown bzpeer:bzpeer /data

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app
VOLUME ["/data"]
USER bzpeer

EXPOSE 8000

# Liveness only (/healthz does not touch the database); the standard library is enough.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# Migrate, then replace the shell with the server so that it is PID 1 and receives
# SIGTERM directly (graceful shutdown on `docker stop`). Migrations are idempotent, so
# every start (and every replica) can run them; BZPEER_WORKERS sets uvicorn's workers.
ENTRYPOINT ["/bin/sh", "-c", "bzpeer db upgrade && exec bzpeer serve --host 0.0.0.0 --port 8000 --workers ${BZPEER_WORKERS:-2}"]
