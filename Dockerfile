# syntax=docker/dockerfile:1
# One image recipe for every service: `docker build --target intake .` and so on.

# The workspace's manifests, from which both installs below start.
FROM node:24-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/catalog/package.json libs/catalog/package.json
COPY libs/events/package.json libs/events/package.json
COPY libs/platform/package.json libs/platform/package.json
COPY libs/vendors/package.json libs/vendors/package.json

FROM manifests AS deps
RUN npm ci --omit=dev --no-audit --no-fund

# The services as JavaScript, compiled as `npm start` compiles them (tools/dev/build.ts, SWC).
FROM deps AS build
COPY tsconfig.base.json ./
COPY libs libs
COPY apps apps
COPY tools tools
RUN node --disable-warning=ExperimentalWarning tools/dev/build.ts

# The web app's pages (apps/web, ADR 0006), built by Vite; intake serves them.
FROM manifests AS web
RUN npm ci --no-audit --no-fund
COPY apps/web apps/web
RUN npx vite build --config apps/web/vite.config.ts

FROM node:24-slim AS runtime
# Two malloc arenas are enough for a service: see tools/dev/node-options.ts and docs/PERFORMANCE.md.
ENV NODE_ENV=production HOST=0.0.0.0 MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json ./
COPY --from=build /app/dist dist
COPY --from=web /app/apps/web/dist apps/web/dist
USER node

FROM runtime AS intake
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "dist/apps/intake/src/main.js"]

FROM runtime AS approval
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3001/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "dist/apps/approval/src/main.js"]

FROM runtime AS provisioner
EXPOSE 3002
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3002/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--optimize-for-size", "dist/apps/provisioner/src/main.js"]

FROM runtime AS scheduler
EXPOSE 3003
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3003/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "dist/apps/scheduler/src/main.js"]

FROM runtime AS audit
EXPOSE 3004
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3004/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "dist/apps/audit/src/main.js"]

FROM runtime AS vendor-sim
EXPOSE 4010
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:4010/_sim/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "dist/tools/vendor-sim/src/main.js"]
