/** The overview: every market (price per hour, queue, nodes, running jobs), throughput, and the latest jobs. */
import type { ExplorerJobPage, ExplorerMarket, ExplorerThroughput } from '../../api-types.js';
import { OVERVIEW_REQUESTS } from '../../preloads.js';
import { useResource } from '../api.js';
import { JobsSection, ThroughputSection } from '../components/sections.js';
import { AddressLink, Loaded, Section } from '../components/ui.js';
import { formatDuration, formatNos } from '../format.js';

export function Overview() {
  // The server announces these with the page (preloads.ts): the browser has them on the way before this runs.
  const markets = useResource<{ items: ExplorerMarket[] }>(OVERVIEW_REQUESTS.markets);
  const throughput = useResource<ExplorerThroughput>(OVERVIEW_REQUESTS.throughput, (c) => c.kind === 'job');
  const jobs = useResource<ExplorerJobPage>(OVERVIEW_REQUESTS.jobs, (c) => c.kind !== 'market');
  return (
    <>
      <h1>Network overview</h1>
      <Section title="Markets">
        <Loaded resource={markets} what="markets">
          {({ items }) =>
            items.length === 0 ? (
              <p class="muted">No market indexed yet.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">Markets with price, queue and nodes</caption>
                  <thead>
                    <tr>
                      <th scope="col">Market</th>
                      <th scope="col">Price / hour</th>
                      <th scope="col">Queue</th>
                      <th scope="col">Nodes (busy / known)</th>
                      <th scope="col">Jobs running</th>
                      <th scope="col">Jobs last hour</th>
                      <th scope="col">Median wait</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((m) => (
                      <tr key={m.address}>
                        <td>
                          <AddressLink kind="market" address={m.address} />
                        </td>
                        <td>{formatNos(m.pricePerHour)} NOS</td>
                        <td>
                          {m.queue.entries.length} {m.queue.kind === 'empty' ? '' : m.queue.kind}
                        </td>
                        <td>
                          {m.nodes.busy} / {m.nodes.known}
                        </td>
                        <td data-testid="running">{m.jobs.running}</td>
                        <td>{m.jobs.lastHour}</td>
                        <td>{formatDuration(m.medianWaitSeconds)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
      </Section>
      <ThroughputSection resource={throughput} label="Jobs finished per hour, last 24 hours" />
      <JobsSection resource={jobs} title="Latest jobs" caption="The ten newest jobs" />
    </>
  );
}
