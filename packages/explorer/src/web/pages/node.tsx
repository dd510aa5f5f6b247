/** A node: where it waits in a queue, what it runs now, what it ran, and what it earned. */
import type { ExplorerJobPage, ExplorerNode, ExplorerNodeSpecs } from '../../api-types.js';
import { useResource } from '../api.js';
import { Chart } from '../components/chart.js';
import { Hardware } from '../components/hardware.js';
import { JobTable } from '../components/job-table.js';
import { AddressLink, Facts, Loaded, Section } from '../components/ui.js';
import { dailySeries, formatNos, formatPercent, formatTime, nosNumber } from '../format.js';

export function NodePage({ address }: { address: string }) {
  const node = useResource<ExplorerNode>(`/api/nodes/${address}`);
  const history = useResource<ExplorerJobPage>(
    `/api/jobs?node=${address}&limit=20`,
    (c) => c.kind !== 'market',
  );
  // Asked once per visit: the indexer caches what the node publishes.
  const specs = useResource<ExplorerNodeSpecs>(`/api/nodes/${address}/specs`, () => false);
  return (
    <>
      <h1>
        Node <span class="mono break">{address}</span>
      </h1>
      <Loaded resource={node} what="the node">
        {(n) => (
          <>
            <Section title="Node">
              <Facts
                items={[
                  [
                    'Queue position',
                    n.queue.length === 0 ? (
                      <span data-testid="queue-position">not in a queue</span>
                    ) : (
                      <span data-testid="queue-position">
                        {n.queue.map((q) => (
                          <span key={q.market}>
                            {q.position} of {q.length} in <AddressLink
                              kind="market"
                              address={q.market}
                            />{' '}
                          </span>
                        ))}
                      </span>
                    ),
                  ],
                  ['Jobs run', String(n.jobsRun)],
                  ['Completed / stopped', `${n.completed} / ${n.stopped}`],
                  ['Success rate', formatPercent(n.successRate)],
                  ['Earnings', `${formatNos(n.earnings)} NOS`],
                  ['First seen', formatTime(n.firstSeen)],
                  ['Last seen', formatTime(n.lastSeen)],
                ]}
              />
            </Section>
            <Section title="Hardware">
              <Hardware resource={specs} />
            </Section>
            <Section title="Current job">
              {n.current.length === 0 ? (
                <p class="muted">Idle.</p>
              ) : (
                <JobTable jobs={n.current} caption="Jobs the node runs now" />
              )}
            </Section>
            <Section title="Earnings">
              <Chart
                label="Earnings per day, last 30 days"
                series="NOS earned"
                unit="NOS"
                {...dailySeries(
                  n.earningsByDay.map((d) => ({ day: d.day, value: nosNumber(d.earnings) })),
                  30,
                  Math.max(n.lastSeen ?? 0, ...n.earningsByDay.map((d) => d.day)),
                )}
              />
            </Section>
          </>
        )}
      </Loaded>
      <Section title="History">
        <Loaded resource={history} what="the node's jobs">
          {({ items }) => <JobTable jobs={items} caption="Jobs the node ran, newest first" />}
        </Loaded>
      </Section>
    </>
  );
}
