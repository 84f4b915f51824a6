# moa as a container step (Argo / Kubeflow). Build: `buildah build -t moa .` or `docker build -t moa .`;
# CI checks it with scripts/container-check.sh (buildah, no registry: a local stand-in base under the same tag).
#
# Base pinned to an exact release. In a registry-connected build also pin the digest, so a re-pushed tag
# cannot change what we build on:
#   docker buildx imagetools inspect node:22.23.5-bookworm-slim   (or: crane digest / skopeo inspect)
#   docker build --build-arg NODE_IMAGE=node:22.23.5-bookworm-slim@sha256:<digest> .
ARG NODE_IMAGE=node:22.23.5-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
# Runs as a non-root uid (65532, the usual "nonroot"), and with a read-only root filesystem: everything that
# might write (HOME for SDK config lookups, TMPDIR, npm's cache if anyone runs npm) points under /tmp.
ENV NODE_ENV=production HOME=/tmp TMPDIR=/tmp npm_config_cache=/tmp/.npm
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# A passwd entry, so anything that asks who it runs as (os.userInfo) gets an answer instead of an error.
RUN echo 'moa:x:65532:65532:moa:/tmp:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'moa:x:65532:' >> /etc/group
USER 65532:65532
# `moa run` supervises itself under the container memory limit: heap limit from the cgroup, error.json on OOM
# (src/cli/supervise.ts), so Argo/KFP `command: [node, /app/dist/cli.js]` gets the same.
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["--help"]
