# A common hand-written multi-stage Dockerfile for a single-page app: build, then nginx.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN VITE_APP_TITLE=Client-routes-by-React-Router npm run build

FROM nginxinc/nginx-unprivileged:1.27-bookworm
COPY --from=build /app/build/client /usr/share/nginx/html
EXPOSE 8080
