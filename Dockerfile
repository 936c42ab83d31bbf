# The SmartCloudOps server with the web console, on Node 24 (TypeScript runs natively).
# Build: docker build -t smartcloudops-server .   Run: see deploy/compose.yml.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# keytar (a desktop dependency) builds from source during `npm ci`; the server never loads it.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libsecret-1-dev python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY shared ./shared
COPY server ./server
COPY renderer ./renderer
RUN npm run build:web && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    SMARTCLOUDOPS_HOST=0.0.0.0 \
    SMARTCLOUDOPS_PORT=8787 \
    SMARTCLOUDOPS_DATA_DIR=/data \
    SMARTCLOUDOPS_WEB_ROOT=/app/out/web
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libsecret-1-0 tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/shared ./shared
COPY --from=build --chown=node:node /app/server ./server
COPY --from=build --chown=node:node /app/out/web ./out/web
USER node
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8787/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "server/src/main.ts"]
