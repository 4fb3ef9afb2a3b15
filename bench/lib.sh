# Shared by the bench/*/run scripts (sourced, never run): process handling with bounded waits,
# CPU pinning, an nginx of our own on loopback, and wrk runs with their output parsed.
# Each function is bounded in time; none starts anything it does not hand back by pid.
# shellcheck shell=bash

readonly bench_ready_polls=300 # x 0.1 s = 30 s
readonly bench_stop_polls=150  # x 0.1 s = 15 s

say() { printf 'bench: %s\n' "$*"; }
die() {
  printf 'bench: %s\n' "$*" >&2
  exit 1
}

is_running() {
  local state=""
  if [[ -n "$1" && -r "/proc/$1/stat" ]]; then
    read -r _ _ state _ <"/proc/$1/stat" || true
  fi
  [[ -n "${state}" && "${state}" != "Z" ]]
}

# TERM, up to 15 s for a clean exit, then KILL. Only ever the pid it is given.
stop_pid() {
  local pid="$1" i
  [[ -n "${pid}" ]] || return 0
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < bench_stop_polls; i++)); do
    is_running "${pid}" || break
    sleep 0.1
  done
  if is_running "${pid}"; then
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  wait "${pid}" 2>/dev/null || true
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_ready NAME PID URL LOG: until URL answers 2xx, the process exits, or 30 s pass.
wait_ready() {
  local name="$1" pid="$2" url="$3" log="$4" i
  for ((i = 0; i < bench_ready_polls; i++)); do
    if ! is_running "${pid}"; then
      tail -n 20 "${log}" >&2 || true
      die "${name} exited during start-up"
    fi
    if curl -fsS -o /dev/null --max-time 1 "${url}" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "${log}" >&2 || true
  die "${name} not ready at ${url} after $((bench_ready_polls / 10)) s"
}

# Sets server_cmd, wrk_cmd and pin_note: servers on CPU 1 and wrk on CPU 0 when pin is 1 and the
# machine has two cores or more, so that the load generator does not steal the server's core.
# shellcheck disable=SC2034 # the variables are the function's results, read by the caller
bench_pinning() {
  local pin="$1"
  server_cmd=()
  wrk_cmd=(wrk)
  pin_note="not pinned"
  if [[ "${pin}" == "1" ]] && command -v taskset >/dev/null 2>&1 && [[ "$(nproc)" -ge 2 ]]; then
    server_cmd=(taskset -c 1)
    wrk_cmd=(taskset -c 0 wrk)
    pin_note="servers pinned to CPU 1, wrk to CPU 0"
  fi
}

bench_find_nginx() {
  local bin
  bin="$(command -v nginx || true)"
  if [[ -z "${bin}" && -x /usr/sbin/nginx ]]; then
    bin=/usr/sbin/nginx
  fi
  [[ -n "${bin}" ]] || die "nginx not found (scripts/deps --bench installs nginx-light)"
  printf '%s\n' "${bin}"
}

# write_nginx_conf DIR PORT: one nginx process (one core's worth of I/O, like ecom with
# ECOM_HTTP_IO_THREADS=1) serving DIR/www on 127.0.0.1:PORT, everything it writes under DIR.
write_nginx_conf() {
  local dir="$1" port="$2"
  cat >"${dir}/nginx.conf" <<NGINX
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events {
  worker_connections 1024;
}
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { application/json json; text/html html; }
  default_type application/octet-stream;
  # wrk reuses its connections; nginx would otherwise close each after 1000 requests.
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  # ecom serves from memory; let nginx keep its files open too.
  open_file_cache max=16;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
  }
}
NGINX
}

# Prints "requests_per_sec p50_ms p99_ms errors" from wrk --latency output. Errors are non-2xx/3xx
# responses plus socket errors.
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i += 2) { v = $(i + 1); gsub(/,/, "", v); errors += v } }
    END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, errors }
  ' "$1"
}

# VmRSS of a process as "12.3 MiB", or "n/a".
rss_of() {
  local rss
  rss="$(awk '/^VmRSS:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || true)"
  printf '%s\n' "${rss:-n/a}"
}
