/** A market: its price and limits, the queue with positions, observed statistics, throughput and jobs. */
import type { ExplorerJobPage, ExplorerMarket, ExplorerThroughput } from '../../api-types.js';
import { useResource } from '../api.js';
import { JobsSection, ThroughputSection } from '../components/sections.js';
import { AddressLink, Facts, Loaded, Section } from '../components/ui.js';
import { formatDuration, formatNos } from '../format.js';

export function MarketPage({ address }: { address: string }) {
  const market = useResource<ExplorerMarket>(`/api/markets/${address}`);
  const throughput = useResource<ExplorerThroughput>(
    `/api/throughput?hours=24&market=${address}`,
    (c) => c.kind === 'job',
  );
  const jobs = useResource<ExplorerJobPage>(
    `/api/jobs?market=${address}&limit=20`,
    (c) => c.kind !== 'market',
  );
  return (
    <>
      <h1>
        Market <span class="mono break">{address}</span>
      </h1>
      <Loaded resource={market} what="the market">
        {(m) => (
          <>
            <Section title="Market">
              <Facts
                items={[
                  ['Price', `${formatNos(m.pricePerHour)} NOS / hour (${formatNos(m.jobPrice, 6)} NOS / s)`],
                  ['Job timeout', formatDuration(m.jobTimeout)],
                  ['Nodes', `${m.nodes.known} known, ${m.nodes.busy} busy, ${m.nodes.queued} waiting`],
                  [
                    'Jobs',
                    `${m.jobs.queued} queued, ${m.jobs.running} running, ${m.jobs.lastHour} last hour`,
                  ],
                  ['Median wait', formatDuration(m.medianWaitSeconds)],
                  ['Median run', formatDuration(m.medianRunSeconds)],
                  ['Claims / hour', m.claimsPerHour === null ? '—' : m.claimsPerHour.toFixed(2)],
                  ['Closed', m.closed ? 'yes' : 'no'],
                ]}
              />
            </Section>
            <Section title="Queue">
              {m.queue.entries.length === 0 ? (
                <p class="muted">The queue is empty.</p>
              ) : (
                <ol class="queue" aria-label={`queue of ${m.queue.kind}`}>
                  {m.queue.entries.map((entry) => (
                    <li key={entry.address}>
                      <AddressLink
                        kind={m.queue.kind === 'nodes' ? 'node' : 'job'}
                        address={entry.address}
                        full
                      />
                    </li>
                  ))}
                </ol>
              )}
            </Section>
          </>
        )}
      </Loaded>
      <ThroughputSection resource={throughput} label="Jobs finished per hour in this market" />
      <JobsSection resource={jobs} title="Jobs" caption="Newest jobs of the market" />
    </>
  );
}
