/** Sections several pages share: the throughput chart and a table of jobs, each over its own resource. */
import type { ExplorerJobPage, ExplorerThroughput } from '../../api-types.js';
import type { Resource } from '../api.js';
import { Chart } from './chart.js';
import { JobTable } from './job-table.js';
import { Loaded, Section } from './ui.js';

/** Jobs finished per hour, as a chart. */
export function ThroughputSection({
  resource,
  label,
}: {
  resource: Resource<ExplorerThroughput>;
  label: string;
}) {
  return (
    <Section title="Throughput">
      <Loaded resource={resource} what="throughput">
        {({ items }) => (
          <Chart
            label={label}
            series="jobs finished"
            unit="jobs"
            x={items.map((p) => p.hour)}
            y={items.map((p) => p.finished)}
          />
        )}
      </Loaded>
    </Section>
  );
}

/** A page of jobs as a table. */
export function JobsSection({
  resource,
  title,
  caption,
}: {
  resource: Resource<ExplorerJobPage>;
  title: string;
  caption: string;
}) {
  return (
    <Section title={title}>
      <Loaded resource={resource} what="jobs">
        {({ items }) => <JobTable jobs={items} caption={caption} />}
      </Loaded>
    </Section>
  );
}
