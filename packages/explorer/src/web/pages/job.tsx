/**
 * A job: status and timeline (live), cost, its definition and exposed endpoints (with health), its logs and
 * result. A running job's logs stream live from its node (relayed by the indexer) when its result will be public;
 * a sealed or confidential job's go to its owner only (`nosana job logs`). Once the result is published, the logs
 * shown are the result's.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ExplorerDefinition, ExplorerJob, ExplorerLiveLine, ExplorerResult } from '../../api-types.js';
import { useResource } from '../api.js';
import { AddressLink, Facts, Loaded, Section, StatusBadge } from '../components/ui.js';
import { formatDuration, formatNos, formatTime } from '../format.js';

const STEPS = ['QUEUED', 'RUNNING', 'COMPLETED'] as const;

function Timeline({ job }: { job: ExplorerJob }) {
  const t = job.timeline;
  const reached = job.status === 'STOPPED' || job.status === 'DELISTED' ? -1 : STEPS.indexOf(job.status);
  return (
    <>
      <ol class="steps" aria-label="job progress">
        {STEPS.map((step, i) => (
          <li key={step} class={i <= reached ? 'done' : ''} aria-current={i === reached ? 'step' : undefined}>
            {step}
          </li>
        ))}
      </ol>
      <Facts
        items={[
          ['Posted', formatTime(t.posted)],
          ['Claimed', formatTime(t.claimed)],
          ['Started', formatTime(t.started)],
          ['Finished', formatTime(t.finished)],
          ['Waited', formatDuration(t.waitSeconds)],
          ['Ran', formatDuration(t.runSeconds)],
        ]}
      />
    </>
  );
}

/** Lines kept on the page from a live stream (the newest). */
const LIVE_LINES = 1000;

/** A running job's log lines as its node streams them (`GET /api/jobs/{address}/logs`). */
function LiveLogs({ address }: { address: string }) {
  const [lines, setLines] = useState<ExplorerLiveLine[]>([]);
  const [state, setState] = useState<{ kind: 'connecting' | 'live' | 'ended' | 'refused'; message?: string }>(
    {
      kind: 'connecting',
    },
  );
  useEffect(() => {
    const source = new EventSource(`/api/jobs/${address}/logs`);
    source.addEventListener('open', () => setState({ kind: 'live' }));
    source.addEventListener('log', (event) => {
      const line = JSON.parse((event as MessageEvent<string>).data) as ExplorerLiveLine;
      setLines((previous) => [...previous.slice(-(LIVE_LINES - 1)), line]);
    });
    const stop = (kind: 'ended' | 'refused') => (event: Event) => {
      source.close();
      const data = (event as MessageEvent<string>).data;
      setState({ kind, ...(data ? { message: (JSON.parse(data) as { message?: string }).message } : {}) });
    };
    source.addEventListener('end', stop('ended'));
    source.addEventListener('refused', stop('refused'));
    // The route's 409/503 (not running, no node API) end the stream too: nothing to retry.
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) setState({ kind: 'ended' });
    });
    return () => source.close();
  }, [address]);
  const multi = new Set(lines.map((l) => l.opId)).size > 1;
  return (
    <div class="logs" data-testid="live-logs">
      <p role="status">
        {state.kind === 'refused'
          ? `No live logs: ${state.message ?? 'the node refused'}. The owner can run `
          : state.kind === 'live'
            ? 'Live from the node · '
            : state.kind === 'ended'
              ? 'The live stream ended; the result’s logs appear once it is published · '
              : 'Connecting to the node… · '}
        {state.kind === 'refused' ? (
          <code>nosana job logs {address}</code>
        ) : (
          `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}`
        )}
      </p>
      <pre class="wrap">
        {lines
          .map((l) => `${multi ? `[${l.opId}] ` : ''}${l.type === 'stderr' ? '! ' : ''}${l.log}`)
          .join('\n')}
      </pre>
    </div>
  );
}

function Logs({ job }: { job: ExplorerJob }) {
  const [open, setOpen] = useState(false);
  const result = useResource<ExplorerResult>(open && job.result ? `/api/jobs/${job.address}/result` : null);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Open logs
      </button>
    );
  if (!job.result && job.status === 'RUNNING') return <LiveLogs address={job.address} />;
  if (!job.result)
    return (
      <p class="muted" role="status">
        No result was published, so there are no logs to show. The owner can run{' '}
        <code>nosana job logs {job.address}</code>. The logs appear here once the result is published.
      </p>
    );
  return (
    <Loaded resource={result} what="the logs">
      {(r) => (
        <div class="logs" data-testid="logs">
          <p>
            Flow <strong>{r.status}</strong> · result <span class="mono break">{r.cid}</span>
          </p>
          {r.ops.map((op) => (
            <details key={op.id} open>
              <summary>
                {op.id}: {op.status}
                {op.exitCode === null ? '' : ` (exit ${op.exitCode})`} · {op.logs.length} lines
              </summary>
              <pre class="wrap">
                {op.logs.map((l) => `${l.type === 'stderr' ? '! ' : ''}${l.log}`).join('\n') || '(no output)'}
              </pre>
            </details>
          ))}
        </div>
      )}
    </Loaded>
  );
}

function Definition({ address }: { address: string }) {
  const definition = useResource<ExplorerDefinition>(`/api/jobs/${address}/definition`, () => false);
  return (
    <Loaded resource={definition} what="the definition">
      {(d) => (
        <>
          <Section title="Endpoints">
            {d.endpoints.length === 0 ? (
              <p class="muted">The job exposes no service.</p>
            ) : (
              <table>
                <caption class="sr-only">Services the job exposes</caption>
                <thead>
                  <tr>
                    <th scope="col">Op</th>
                    <th scope="col">Port</th>
                    <th scope="col">Service id</th>
                    <th scope="col">Health</th>
                  </tr>
                </thead>
                <tbody>
                  {d.endpoints.map((e) => (
                    <tr key={e.serviceId}>
                      <td>{e.op}</td>
                      <td>{e.port}</td>
                      <td class="mono break">{e.serviceId}</td>
                      <td>{e.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <Section title="Definition">
            <p class="mono break">{d.cid}</p>
            <pre class="wrap">{JSON.stringify(d.definition, null, 2)}</pre>
          </Section>
        </>
      )}
    </Loaded>
  );
}

export function JobPage({ address }: { address: string }) {
  const job = useResource<ExplorerJob>(
    `/api/jobs/${address}`,
    (c) => c.address === address || c.kind === 'run',
  );
  return (
    <>
      <h1>
        Job <span class="mono break">{address}</span>
      </h1>
      <Loaded resource={job} what="the job">
        {(j) => (
          <>
            <Section title="Status">
              <p aria-live="polite">
                <StatusBadge status={j.status} />
              </p>
              <Timeline job={j} />
            </Section>
            <Section title="Details">
              <Facts
                items={[
                  ['Market', <AddressLink kind="market" address={j.market} full />],
                  ['Node', j.node ? <AddressLink kind="node" address={j.node} full /> : '—'],
                  ['Project', <span class="mono break">{j.project}</span>],
                  ['Price', `${formatNos(j.price, 6)} NOS / s`],
                  ['Timeout', formatDuration(j.timeout)],
                  ['Deposit', `${formatNos(j.deposit)} NOS`],
                  [
                    'Cost',
                    j.status === 'COMPLETED' || j.status === 'STOPPED' ? `${formatNos(j.cost)} NOS` : '—',
                  ],
                  ['Result', j.result ? <span class="mono break">{j.result}</span> : '—'],
                ]}
              />
            </Section>
            <Section title="Logs">
              <Logs job={j} />
            </Section>
          </>
        )}
      </Loaded>
      <Definition address={address} />
    </>
  );
}
