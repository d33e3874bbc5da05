# A common hand-written multi-stage Dockerfile for a Next.js static export: build, then nginx with out/.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.27-bookworm
COPY --from=build /app/out /usr/share/nginx/html
EXPOSE 8080
