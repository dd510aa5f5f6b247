import { issueAt } from '../issues.js';
import { isObject, isString, type SemanticContext } from './context.js';

/**
 * Confidential jobs' endpoints: `api` (the node calls the poster) needs an http(s) `endpoint`; `api-listen` (the
 * node API waits for the poster) takes none, as an endpoint there would be silently ignored.
 *
 * @example
 * ```ts
 * const context = createSemanticContext({ ops: [], logistics: { send: { type: 'api', args: {} } } });
 * checkLogistics(context); // context.errors gets a `logistics_endpoint` issue at logistics.send.args.endpoint
 * ```
 */
export function checkLogistics(context: SemanticContext): void {
  for (const direction of ['send', 'receive'] as const) {
    const entry = context.logistics[direction];
    if (!isObject(entry)) continue;
    const args = isObject(entry.args) ? entry.args : {};
    const path = ['logistics', direction, 'args', 'endpoint'];
    if (entry.type === 'api') {
      if (!isString(args.endpoint)) {
        context.errors.push(
          issueAt(
            path,
            'logistics_endpoint',
            `"api" ${direction === 'send' ? 'definition delivery' : 'result return'} needs an endpoint the node calls`,
            'add "endpoint": "https://…" (%%global.job%% is replaced by the job address), or use "api-listen"',
          ),
        );
      } else if (!isHttpUrl(args.endpoint)) {
        context.errors.push(
          issueAt(
            path,
            'logistics_endpoint',
            `"${args.endpoint}" is not an http(s) URL`,
            'give the full URL, e.g. "https://me.example/jobs/%%global.job%%/definition"',
          ),
        );
      }
    } else if (entry.type === 'api-listen' && args.endpoint !== undefined) {
      context.errors.push(
        issueAt(
          path,
          'logistics_endpoint',
          '"api-listen" takes no endpoint: the poster calls the node API',
          'remove the endpoint, or use "type": "api" for the node to call it',
        ),
      );
    }
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.replaceAll('%%global.job%%', 'job'));
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
