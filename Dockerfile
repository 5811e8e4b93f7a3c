# Zelfhulpwijzer: the bot as a container. Build: docker build -t zelfhulpwijzer .
# Secrets (token, key) come at run time from the environment or secret files, never here.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
# Every dependency pinned with its hash (the lead's lock file); nothing else is fetched.
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes -r /tmp/requirements.lock
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY catalogue /src/catalogue
COPY dialogs /src/dialogs
COPY locales /src/locales
# The bot itself, without its dependencies (already installed from the lock). pip fetches
# its build backend (setuptools, pyproject.toml) for this build only; it does not end up in
# the image. To pin that too: add setuptools to the lock and use --no-build-isolation.
RUN /opt/venv/bin/pip install --no-deps /src

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin bot \
 && mkdir /data && chown bot:bot /data && chmod 0700 /data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ZELFHULPWIJZER_ENV=production \
    ZELFHULPWIJZER_DATA_DIR=/data \
    HEALTH_PORT=8081 \
    LOG_FORMAT=json
USER bot
WORKDIR /data
VOLUME ["/data"]
# 8080: the webhook (when WEBHOOK_URL is set); 8081: /healthz, /readyz, /metrics.
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.probe"]
ENTRYPOINT ["python", "-m", "bot"]
CMD ["telegram"]
