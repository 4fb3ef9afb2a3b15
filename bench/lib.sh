# Shared by the bench/*/run scripts (sourced, never run): process handling with bounded waits,
# CPU pinning, an nginx of our own on loopback, and wrk runs with their output parsed.
# Each function is bounded in time; none starts anything it does not hand back by pid.
# shellcheck shell=bash

readonly bench_ready_polls=300 # x 0.1 s = 30 s
# How many measured rounds each comparison runs (BENCH_RUNS, default 5). One run on this noisy
# machine proves little: a figure is reported as the median with the spread (min, max), and a
# target holds when the median meets it.
readonly bench_runs="${BENCH_RUNS:-5}"
[[ "${bench_runs}" =~ ^[1-9][0-9]?$ ]] || {
  printf 'bench: BENCH_RUNS must be an integer from 1 to 99, got %s\n' "${bench_runs}" >&2
  exit 1
}
bench_warmup="${BENCH_WARMUP:-2s}"
bench_duration="${BENCH_DURATION:-10s}"
bench_connections="${BENCH_CONNECTIONS:-32}"
# wrk's own default timeout (2 s) would count a slow answer as a socket error and cap the
# percentiles at 2 s: slow answers must show.
bench_timeout="${BENCH_TIMEOUT:-30s}"
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

# run_wrk OUT URL [LUA]: a warm-up (not measured), then the measured run into OUT.
run_wrk() {
  local out="$1" url="$2" script=()
  if [[ $# -ge 3 && -n "$3" ]]; then
    script=(-s "$3")
  fi
  say "warm-up ${bench_warmup}, then ${bench_duration} with ${bench_connections} connections: ${url}${3:+ (${3##*/})}"
  "${wrk_cmd[@]}" -t1 -c"${bench_connections}" -d"${bench_warmup}" --timeout "${bench_timeout}" "${script[@]}" \
    "${url}" >/dev/null
  "${wrk_cmd[@]}" -t1 -c"${bench_connections}" -d"${bench_duration}" --timeout "${bench_timeout}" --latency \
    "${script[@]}" "${url}" >"${out}"
}

# spread V...: prints "min median max" of the numbers. For an even count the median is the lower
# of the two middle values, so that it is always a figure that was measured.
spread() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { exit 1 } printf "%s %s %s\n", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# "median (min-max)" for a table cell, from spread's three figures.
spread_cell() { printf '%s (%s-%s)' "$2" "$1" "$3"; }

# compare_runs PREFIX ECOM_URL NGINX_URL [LUA]: bench_runs rounds of ecom then nginx, one after
# the other so that both see the same machine load. Sets (as spread triples "min median max"):
# cmp_ecom_rps, cmp_ecom_p50, cmp_ecom_p99, cmp_nginx_rps, cmp_nginx_p50, cmp_nginx_p99, cmp_ratio
# (ecom / nginx in percent, per round), and cmp_errors (the sum over all rounds).
# shellcheck disable=SC2034 # the variables are the function's results, read by the caller
compare_runs() {
  local prefix="$1" ecom_url="$2" nginx_url="$3" lua="${4:-}" i e_rps e_p50 e_p99 e_err n_rps n_p50 n_p99 n_err
  local -a er=() e5=() e9=() nr=() n5=() n9=() ratios=()
  cmp_errors=0
  for ((i = 1; i <= bench_runs; i++)); do
    say "round ${i} of ${bench_runs}"
    run_wrk "${prefix}.ecom.${i}" "${ecom_url}" "${lua}"
    run_wrk "${prefix}.nginx.${i}" "${nginx_url}"
    read -r e_rps e_p50 e_p99 e_err < <(parse_wrk "${prefix}.ecom.${i}")
    read -r n_rps n_p50 n_p99 n_err < <(parse_wrk "${prefix}.nginx.${i}")
    if [[ "${e_rps}" -le 0 || "${n_rps}" -le 0 ]]; then
      cat "${prefix}.ecom.${i}" "${prefix}.nginx.${i}" >&2
      die "wrk measured no requests on ${ecom_url} or ${nginx_url}"
    fi
    er+=("${e_rps}") e5+=("${e_p50}") e9+=("${e_p99}") nr+=("${n_rps}") n5+=("${n_p50}") n9+=("${n_p99}")
    ratios+=("$(awk -v a="${e_rps}" -v b="${n_rps}" 'BEGIN { printf "%.0f", 100 * a / b }')")
    cmp_errors=$((cmp_errors + e_err + n_err))
  done
  cmp_ecom_rps="$(spread "${er[@]}")"
  cmp_ecom_p50="$(spread "${e5[@]}")"
  cmp_ecom_p99="$(spread "${e9[@]}")"
  cmp_nginx_rps="$(spread "${nr[@]}")"
  cmp_nginx_p50="$(spread "${n5[@]}")"
  cmp_nginx_p99="$(spread "${n9[@]}")"
  cmp_ratio="$(spread "${ratios[@]}")"
}

# The median of a spread triple.
median_of() { printf '%s\n' "$2"; }
