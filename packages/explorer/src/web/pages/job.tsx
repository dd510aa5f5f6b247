/**
 * A job: status and timeline (live), cost, its definition and exposed endpoints (with health), its logs and
 * result. Logs come from the result the node published; a running job's live logs are streamed by its node to
 * the job's owner only (a signed request), which a read-only explorer cannot make: `nosana job logs` can.
 */
import { useState } from 'preact/hooks';
import type { ExplorerDefinition, ExplorerJob, ExplorerResult } from '../../api-types.js';
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

function Logs({ job }: { job: ExplorerJob }) {
  const [open, setOpen] = useState(false);
  const result = useResource<ExplorerResult>(open && job.result ? `/api/jobs/${job.address}/result` : null);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Open logs
      </button>
    );
  if (!job.result)
    return (
      <p class="muted" role="status">
        {job.status === 'RUNNING'
          ? 'The job is running: its node streams live logs to the job’s owner only (a signed request). Run '
          : 'No result was published, so there are no logs to show. The owner can run '}
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
