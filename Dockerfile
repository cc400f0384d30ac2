# oyster-bot: a multi-stage image. The build stage compiles the TypeScript (npm ci runs
# `prepare`, which builds dist/ and stamps the bundled policies) and then drops the dev
# dependencies; the runtime stage holds only what `oyster-bot start` needs and runs as the
# unprivileged `node` user. The SQLite file lives on the /data volume.
#
#   docker build -t oyster-bot .
#   docker run --env-file .env -v oyster-data:/data oyster-bot
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
COPY policies ./policies
COPY migrations ./migrations
RUN npm ci && npm prune --omit=dev && npm cache clean --force

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production \
    OYSTER_DB_PATH=/data/oyster-bot.db \
    METRICS_PORT=9464 \
    METRICS_HOST=127.0.0.1
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/bin ./bin
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/policies ./policies
COPY --from=build --chown=root:root /app/migrations ./migrations
COPY LICENSE README.md .env.example ./
# The code is root-owned and read-only to the bot; only /data is writable.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# Liveness from the bot's own ops server (/healthz; /readyz also checks the model and platforms).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.METRICS_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Without a platform token there is no terminal to chat in: start exits 2 and says so.
ENTRYPOINT ["node", "bin/oyster-bot.mjs"]
CMD ["start"]
