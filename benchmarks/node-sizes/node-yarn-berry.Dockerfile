# A common hand-written Dockerfile for a Yarn Berry project: the committed release installs every
# dependency (Plug'n'Play: .yarn/cache and .pnp.cjs), and yarn starts the app.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json yarn.lock .yarnrc.yml ./
COPY .yarn/releases ./.yarn/releases
# the cache inside the project (.yarn/cache), where .pnp.cjs finds it in the runtime image
ENV YARN_ENABLE_GLOBAL_CACHE=false
RUN node .yarn/releases/yarn-4.9.2.cjs install --immutable
COPY . .

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app ./
USER node
EXPOSE 3000
CMD ["node", ".yarn/releases/yarn-4.9.2.cjs", "start"]
