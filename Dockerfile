# The SmartCloudOps server with the web console, on Node 24. The server runs built
# (scripts/build-server.ts: one JavaScript bundle per entry point, as npm start runs it).
# Build: docker build -t smartcloudops-server .   Run: see deploy/compose.yml.
# Multi-arch (the release workflow): docker buildx build --platform linux/amd64,linux/arm64 .
# The image holds the server's own dependencies only (no Electron, React, Vite or
# TypeScript: scripts/server-image.test.ts checks the set), runs as `node` (uid 1000) and
# works on a read-only root file system: it writes to /data alone.

# 1. The web console (static files) and the server's JavaScript, built once on the build
#    machine's architecture: neither holds native code (the native modules stay in node_modules).
FROM --platform=$BUILDPLATFORM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the builds need none of the desktop's native modules (keytar).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY shared ./shared
COPY renderer ./renderer
RUN npm run build:web
COPY server ./server
COPY scripts/build-server.ts ./scripts/build-server.ts
RUN npm run build:server

# 2. The server's dependencies: package.json reduced to what server/src/main.ts imports
#    (scripts/release/server-manifest.ts), installed at the locked versions for the target
#    architecture. better-sqlite3 and argon2 ship prebuilt binaries: nothing is compiled.
FROM node:24-bookworm-slim AS server-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/release ./scripts/release
COPY shared ./shared
COPY server ./server
RUN node scripts/release/server-manifest.ts --write package.json \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# 3. The runtime: code owned by root and read-only to the server's user. The server runs on
#    jemalloc (LD_PRELOAD, MALLOC_CONF) with V8's young generation capped (NODE_OPTIONS): why
#    in scripts/server-runtime-env.ts, whose test keeps these lines equal to it. The library
#    is linked to one path for every architecture.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    SMARTCLOUDOPS_HOST=0.0.0.0 \
    SMARTCLOUDOPS_PORT=8787 \
    SMARTCLOUDOPS_DATA_DIR=/data \
    SMARTCLOUDOPS_WEB_ROOT=/app/out/web
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends tini libjemalloc2 \
 && ln -s "/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2" /usr/local/lib/libjemalloc.so.2 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
# After the library is in place, so that no build step preloads a missing file.
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    MALLOC_CONF=background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0 \
    NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
COPY --from=server-deps /app/package.json ./
COPY --from=server-deps /app/node_modules ./node_modules
COPY --from=build /app/out/server ./out/server
COPY --from=build /app/out/web ./out/web
USER node
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8787/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "out/server/main.js"]
