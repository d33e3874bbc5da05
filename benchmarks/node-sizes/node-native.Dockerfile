# A common hand-written multi-stage Dockerfile for an app with a native addon: install on the full image
# (compilers for node-gyp), run on the slim one.
FROM node:22-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app ./
USER node
EXPOSE 3000
CMD ["node", "server.js"]
