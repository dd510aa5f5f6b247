/** A table of jobs (status, market, node, cost, durations). */
import type { ExplorerJob } from '../../api-types.js';
import { formatDuration, formatNos } from '../format.js';
import { AddressLink, StatusBadge } from './ui.js';

export function JobTable({ jobs, caption }: { jobs: ExplorerJob[]; caption: string }) {
  if (jobs.length === 0) return <p class="muted">No jobs.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">Market</th>
            <th scope="col">Node</th>
            <th scope="col">Waited</th>
            <th scope="col">Ran</th>
            <th scope="col">Cost</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.address}>
              <td>
                <AddressLink kind="job" address={job.address} />
              </td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td>
                <AddressLink kind="market" address={job.market} />
              </td>
              <td>{job.node ? <AddressLink kind="node" address={job.node} /> : '—'}</td>
              <td>{formatDuration(job.timeline.waitSeconds)}</td>
              <td>{formatDuration(job.timeline.runSeconds)}</td>
              <td>
                {job.status === 'COMPLETED' || job.status === 'STOPPED' ? `${formatNos(job.cost)} NOS` : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
