# ecom: build the release binaries on Debian 12, run them on debian:12-slim as a non-root user.
#
#   docker build -t ecom .
#   docker run --rm -p 8080:8080 ecom                                  # storefront
#   docker run --rm -p 8081:8081 -e ECOM_HTTP_ADDRESS=0.0.0.0 ecom ecom-admin
#
# The admin has no login yet and listens on loopback by default; only publish it on a network you
# trust. Not built in CI (no Docker engine on our CI machines), so treat this file as untested.

# --- build ---------------------------------------------------------------------------------------
FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
# scripts/deps holds the one list of build packages (it installs only what is missing), mold, the
# linker cmake/EcomModule.cmake picks when present, among them.
COPY scripts/deps /tmp/deps
RUN /tmp/deps && rm -rf /var/lib/apt/lists/* /tmp/deps

WORKDIR /src
COPY . .
RUN cmake --preset release \
 && cmake --build --preset release \
 && mkdir -p /out \
 && for b in ecom-storefront ecom-admin ecom-worker ecomctl; do \
      install -m 0755 -s "build/release/bin/$b" "/out/$b"; \
    done

# --- runtime -------------------------------------------------------------------------------------
FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libboost-json1.81.0 libboost-url1.81.0 \
      libsoci-core4.0 libsoci-sqlite3-4.0 libsoci-postgresql4.0 \
      libhiredis0.14 librabbitmq4 libfmt9 zlib1g libssl3 libpq5 libsqlite3-0 libxxhash0 libgd3 libsodium23 libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --user-group --home-dir /opt/ecom --shell /usr/sbin/nologin ecom \
 && mkdir -p /var/lib/ecom \
 && chown ecom:ecom /var/lib/ecom

COPY --from=build /out/ /usr/local/bin/
COPY config/ /opt/ecom/config/
COPY web/ /opt/ecom/web/
COPY migrations/ /opt/ecom/migrations/

WORKDIR /opt/ecom
USER ecom
EXPOSE 8080 8081
# The servers stop gracefully on SIGTERM (docker stop's signal); give them more than
# http.shutdown_timeout_ms with `docker stop -t 30` if requests run long.
CMD ["ecom-storefront"]
