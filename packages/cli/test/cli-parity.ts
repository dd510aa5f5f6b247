/**
 * The parity table of docs/cli.md: every flag of the original `nosana` CLI's `job post/get/stop/extend/download`,
 * `market`, `node` and `address` commands (nosana-ci/nosana-cli, commander v11) and what this CLI does with it.
 * Kept by hand; rendered after the generated reference.
 */
export const CLI_PARITY = `## Parity with the original \`nosana\` CLI

How each flag of the original CLI's commands maps to this one. Same meaning unless the last column says otherwise.

| original | here | difference and why |
|---|---|---|
| \`-n/--network mainnet\\|devnet\` (default mainnet) | \`-n/--network localnet\\|devnet\\|mainnet\` | default \`localnet\`: nothing costs money until you choose a real network; env \`NOSANA_NETWORK\` |
| \`--rpc <url>\` | \`--rpc <url>\` | same; env \`NOSANA_RPC\`; no RPC URL is fetched from a backend |
| \`-w/--wallet <path>\` (env \`SOLANA_WALLET\`) | \`-w/--wallet <path>\` | same default (\`~/.nosana/nosana_key.json\`, created 0600 on first use); env \`NOSANA_WALLET\` |
| \`--format text\\|json\` | \`--json\` | one stable envelope on every command, errors included |
| \`--log\`, \`--verbose\` | — | no log levels: human output on stderr/stdout, \`DEBUG=*\` for oclif's debug output |
| \`--api <key>\` | — | the credits API is a backend service; this CLI talks to the programs directly |
| **job post** \`[command...]\` | \`job post [command...]\` | same; the generated op id is \`run\` |
| \`-m/--market <slug\\|address>\` (required) | \`-m/--market <name\\|address>\` | names: \`cpu\`, \`gpu\` on localnet; on devnet/mainnet the real slugs once \`nosana market sync\` has stored the network's market directory (the original asks a backend on every post; here one explicit command reads it, and nothing else does) |
| \`-t/--timeout <minutes>\` (required) | \`-t/--timeout <minutes\\|duration>\` | a bare number is minutes, as in the original; \`90s\`, \`2h\`, \`1h30m\` also work; default 60 |
| \`-f/--file <path>\` | \`-f/--file <path\\|->\` | also \`-\` for standard input; YAML as well as JSON |
| \`--url <url>\` | \`--url <url>\` | http(s) only, no credentials, public hosts only (loopback allowed on localnet), ≤ 3 redirects, 1 MiB, 15 s |
| \`-i/--image\` (default ubuntu) | \`-i/--image\` | no default image: a command needs an explicit image |
| \`--type container\` | — | container is the only type |
| \`--gpu\` | \`--gpu\` | same |
| \`-h/--host <node>\` | \`--host <node>\` | \`-h\` is help here (oclif); the node is checked to be in the market's queue before anything is sent |
| \`--wait\` | \`--wait\` | same; exits 2 when the job failed or was stopped, and the \`--json\` envelope still carries the job and its result |
| \`--download [path]\` | \`--download <dir>\` | the directory is required; needs \`--wait\` |
| \`--confidential\` | — | not implemented |
| \`--airdrop/--no-airdrop\` (devnet) | \`nosana wallet airdrop\` | an explicit command instead of a side effect of posting |
| \`-o/--output\` ("coming soon") | — | results and logs: \`--download\`, \`job download\` |
| — | \`--dry-run\`, \`--node-api\` | validate and price without posting; where to stream live logs from |
| **job get** \`<job>\` | \`job get <job>\` | the job must be a Solana address (checked, naming the argument) |
| \`--wait\` | \`--wait\` | exits 2 when the job failed or was stopped |
| \`--download [path]\` | \`--download <dir>\` | directory required |
| — | \`-l/--logs\`, \`--node-api\` | print the logs; live logs from the node |
| **job stop** \`<job>\` | \`job stop <job>\` | same: a queued job is delisted, a running one ended |
| \`--wait\` | — | stopping is one transaction, confirmed before the command returns |
| **job extend** \`<job>\` | \`job extend <job>\` | same |
| \`-t <minutes to add>\` | \`-t/--timeout <minutes\\|duration>\` | a bare number is minutes to add, as in the original; \`+30m\`, \`1h\` also work |
| **job download** \`<ipfs> [path]\` | \`job download <job\\|cid> [dir]\` | a CID writes \`<dir>/<cid>.json\`; a job address writes its definition, result and per-op logs |
| **market list** | \`market list\` | read from the chain (prices per second and hour, queues), not from a backend |
| **market get** \`<slug\\|address>\` | \`market get <name\\|address>\` | names: the localnet's, and those of the stored market directory (\`market sync\`); an unknown name lists the known ones |
| — | \`market sync [--from <url\\|file>]\` | reads the vendor's market directory (\`GET /api/markets/\` of its dashboard API) or one you give, checks it, stores it in \`~/.nosana/markets/<network>.json\`: names, GPU lists and VRAM (for \`node start\`'s recommendation), required images (pre-pulled) |
| **node start** \`[market]\` | \`node start --market <market>\` | a flag instead of an argument |
| \`--provider podman\\|docker\` (podman) | \`--provider docker\\|podman\` | default: whichever engine answers, Docker first |
| \`--docker/--podman <URI>\` | \`DOCKER_HOST\` | the engine socket comes from the environment |
| \`-c/--config <dir>\` | \`--state-dir <dir>\` | state (LMDB) directory |
| \`--gpu <all\\|0,1>\` | \`--gpu <all\\|none\\|0,1>\` | same, plus \`none\` |
| \`-p/--port\` (5001) | \`--api-port\` | the node API port |
| **node run** \`[file]\` | \`node run <file\\|->\` | same; \`--url\` is not supported here (use \`job post --url\` or download first) |
| **node prune** | \`node prune\` | same |
| **address** | \`address\` (and \`wallet address\`) | same: prints the wallet's public key |
`;
