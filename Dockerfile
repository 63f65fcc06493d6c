# syntax=docker/dockerfile:1
# Vendor-operations subgraph. Build: docker build -t vendor-ops . ; run: docker run -p 4001:4001 --env-file .env vendor-ops
# The same Node as .node-version (test/runtime.test.ts fails when they differ).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# No compiler stage: nothing compiles at install (SQLite is Node's own node:sqlite). No install
# script runs: the only ones in the tree are reviewed in package.json's allowScripts and none is
# needed to build or to run. The build stage keeps optional dependencies (esbuild's platform
# binary bundles dist/service.mjs); the runtime's leave them out, the image brings Node itself.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# OCI labels: what the image is and which release (test/release.test.ts keeps the version equal to package.json's).
LABEL org.opencontainers.image.title="vendor-operations-subgraph" \
      org.opencontainers.image.description="Apollo Federation 2 subgraph for Feyin printers, vending-machine pickup codes, APIUSB courier orders and LifePay fiscal registers" \
      org.opencontainers.image.version="0.2.0" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    PORT=4001 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schema ./schema
COPY examples ./examples
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4001
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4001)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node, not npm: SIGTERM reaches the process and shutdown drains in-flight requests.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=16", "dist/service.mjs"]
