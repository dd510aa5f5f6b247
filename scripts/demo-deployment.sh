# shellcheck shell=bash
# The deployment part of scripts/demo (`bash scripts/demo --deployment`, or `bash scripts/demo examples/deployment.json`),
# sourced by it once the localnet runs and the client wallet is funded:
#
#   1. reads the gateway the localnet runs next to it from `localnet_info` (`nosana localnet status --json`;
#      http://localhost:<port>: services at <id>.localhost);
#   2. starts three nodes in the cpu market, each publishing its jobs' services through that gateway;
#   3. runs the deployment manager (`nosana deployment serve --gateway …`) and creates a deployment of 2 replicas;
#   4. shows both replicas online behind the deployment's one URL (answers alternate between them);
#   5. kills one replica's container: the manager replaces it, and the URL keeps answering;
#   6. stops the deployment; the demo's cleanup stops everything it started.
#
# Uses from scripts/demo: ROOT, DEMO_DIR, JOB_FILE, CLIENT_WALLET, RPC_PORT, log, nosana.

DEPLOYMENT_PIDS=()

# Stops what demo_deployment started (called by the demo's cleanup).
demo_deployment_cleanup() {
  local pid
  for pid in "${DEPLOYMENT_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${DEPLOYMENT_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  local i
  for i in 0 1 2; do
    [ -f "$DEMO_DIR/host-$i.json" ] &&
      NOSANA_WALLET="$DEMO_DIR/host-$i.json" nosana node prune --state-dir "$DEMO_DIR/node-$i" >/dev/null 2>&1
  done
  return 0
}

# Waits until `file` contains `text` while process `pid` lives (up to 120 s).
demo_wait_for_line() {
  local file=$1 text=$2 pid=$3 what=$4
  for _ in $(seq 1 1200); do
    grep -q "$text" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$file" >&2; log "$what stopped"; exit 1; }
    sleep 0.1
  done
  cat "$file" >&2
  log "$what did not get ready in 120 s"
  exit 1
}

# `nosana deployment get --json` of the demo's deployment, reduced by a JavaScript expression over `result`.
demo_deployment_query() {
  NOSANA_WALLET="$CLIENT_WALLET" nosana deployment get "$DEPLOYMENT_ID" --manager "$MANAGER_URL" --json |
    node -e "let s='';process.stdin.on('data',(d)=>s+=d).on('end',()=>{const result=JSON.parse(s).result;console.log($1)})"
}

demo_deployment() {
  local ports gw_port manager_port i
  ports=$(node -e '
    const net = require("node:net");
    const any = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); }); });
    (async () => { const seen = new Set(); while (seen.size < 4) seen.add(await any()); console.log([...seen].join(" ")); })();')
  read -r manager_port api0 api1 api2 <<<"$ports"
  local api_ports=("$api0" "$api1" "$api2")
  # The localnet announces its gateway in `localnet_info`; `localnet status` reads it from there.
  GATEWAY_URL=$(nosana localnet status --rpc-port "$RPC_PORT" --json |
    node -e "let s='';process.stdin.on('data',(d)=>s+=d).on('end',()=>console.log(JSON.parse(s).result.gatewayUrl ?? ''))")
  [ -n "$GATEWAY_URL" ] || { log "the localnet announces no gateway (started with --no-gateway?)"; exit 1; }
  gw_port=$(node -e 'console.log(new URL(process.argv[1]).port)' "$GATEWAY_URL")
  log "using the localnet's gateway at $GATEWAY_URL (announced in localnet_info)"

  for i in 0 1 2; do
    log "starting node $((i + 1)) of 3 in the cpu market, publishing through the gateway (log: $DEMO_DIR/node-$i.log)"
    NOSANA_WALLET="$DEMO_DIR/host-$i.json" nosana wallet airdrop --sol 1 --nos 0 >/dev/null 2>&1
    NOSANA_WALLET="$DEMO_DIR/host-$i.json" node "$ROOT/packages/cli/bin/run.js" node start --market cpu \
      --state-dir "$DEMO_DIR/node-$i" --api-port "${api_ports[$i]}" --min-disk 1 --gateway "$GATEWAY_URL" \
      >"$DEMO_DIR/node-$i.log" 2>&1 &
    DEPLOYMENT_PIDS+=($!)
    demo_wait_for_line "$DEMO_DIR/node-$i.log" 'queued in market' "${DEPLOYMENT_PIDS[-1]}" "node $((i + 1))"
  done

  MANAGER_URL="http://127.0.0.1:$manager_port"
  log "starting the deployment manager (API $MANAGER_URL, log: $DEMO_DIR/manager.log)"
  NOSANA_WALLET="$CLIENT_WALLET" node "$ROOT/packages/cli/bin/run.js" deployment serve --db "$DEMO_DIR/deployments.db" \
    --gateway "$GATEWAY_URL" --api-port "$manager_port" --interval 1 >"$DEMO_DIR/manager.log" 2>&1 &
  DEPLOYMENT_PIDS+=($!)
  demo_wait_for_line "$DEMO_DIR/manager.log" 'Deployment manager for' "${DEPLOYMENT_PIDS[-1]}" "the deployment manager"

  log "creating a deployment of $JOB_FILE: 2 replicas, simple-extend, 15 min jobs, budget 20 NOS"
  DEPLOYMENT_ID=$(NOSANA_WALLET="$CLIENT_WALLET" nosana deployment create -f "$JOB_FILE" --replicas 2 \
    --strategy simple-extend --timeout 15m --budget 20 --manager "$MANAGER_URL" --json |
    node -e "let s='';process.stdin.on('data',(d)=>s+=d).on('end',()=>console.log(JSON.parse(s).result.id))")

  log "waiting for both replicas to be online behind the deployment's URL"
  local online=0
  for _ in $(seq 1 180); do
    online=$(demo_deployment_query "result.jobs.filter((j) => j.health === 'online').length")
    [ "$online" = 2 ] && break
    sleep 1
  done
  [ "$online" = 2 ] || { log "the replicas did not come online in 3 minutes"; exit 1; }
  local url host
  url=$(demo_deployment_query 'result.url')
  host=${url#http://}
  NOSANA_WALLET="$CLIENT_WALLET" nosana deployment get "$DEPLOYMENT_ID" --manager "$MANAGER_URL"
  log "$url answers (4 requests; the gateway balances over the replicas):"
  for _ in 1 2 3 4; do curl -s -H "Host: $host" "http://127.0.0.1:$gw_port/"; done

  local victim
  victim=$(demo_deployment_query "result.jobs.find((j) => j.health === 'online').address")
  log "killing the container of replica $victim"
  docker kill "$(docker ps -q --filter "label=org.nosana.job=$victim")" >/dev/null
  log "the URL while the manager replaces it (one request a second):"
  local replaced=0 status
  for _ in $(seq 1 180); do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" "http://127.0.0.1:$gw_port/")
    printf '  %s %s\n' "$(date -u +%H:%M:%S)" "$status"
    replaced=$(demo_deployment_query "result.jobs.filter((j) => j.health === 'online' && j.address !== '$victim').length")
    [ "$replaced" = 2 ] && break
    sleep 1
  done
  [ "$replaced" = 2 ] || { log "no replacement came online in 3 minutes"; exit 1; }
  log "replaced: two replicas online again, and the URL still answers:"
  curl -s -H "Host: $host" "http://127.0.0.1:$gw_port/"
  NOSANA_WALLET="$CLIENT_WALLET" nosana deployment get "$DEPLOYMENT_ID" --manager "$MANAGER_URL"
  NOSANA_WALLET="$CLIENT_WALLET" nosana deployment events "$DEPLOYMENT_ID" --manager "$MANAGER_URL"

  log "stopping the deployment"
  NOSANA_WALLET="$CLIENT_WALLET" nosana deployment stop "$DEPLOYMENT_ID" --manager "$MANAGER_URL" >/dev/null
  local status_now=""
  for _ in $(seq 1 120); do
    status_now=$(demo_deployment_query 'result.deployment.status')
    [ "$status_now" = STOPPED ] && break
    sleep 1
  done
  log "done: the deployment is $status_now; its unused deposits went back to the client"
}
