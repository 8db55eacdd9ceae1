# coordd in a container: the daemon on the home /data (a volume), as a non-root user.
#   docker build -t coordd . && docker run -d --name coordd -v coordd-data:/data coordd
#   docker exec coordd coordd status        (clients run inside: the socket is /data/coordd.sock)
# Both stages use the same JDK, so the AOT cache made at build time fits the runtime.

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -ntp -DskipTests -Dstyle.color=never package -pl dist -am \
 && mkdir /out && tar -xzf dist/target/coordd-*.tar.gz -C /out && mv /out/coordd-* /out/coordd

FROM eclipse-temurin:25-jdk
RUN groupadd --system --gid 10001 coordd \
 && useradd --system --uid 10001 --gid coordd --home-dir /data --shell /usr/sbin/nologin coordd \
 && mkdir -p /data && chown coordd:coordd /data && chmod 0700 /data
COPY --from=build /out/coordd /opt/coordd
RUN ln -s /opt/coordd/bin/coordd /usr/local/bin/coordd
USER coordd
ENV COORDD_HOME=/data
WORKDIR /data
VOLUME ["/data"]
# Alive and answering: `coordd status` exits 0 only when the daemon answers on its socket. Docker
# reads exit 1 as unhealthy and reserves 2, and status has other codes (3: not running), so any
# failure is mapped to 1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["sh", "-c", "coordd status --timeout 5s >/dev/null || exit 1"]
# SIGTERM (docker stop) is the graceful stop; give it time: docker stop -t 30.
STOPSIGNAL SIGTERM
ENTRYPOINT ["coordd", "daemon", "--no-console"]
