import { describe, expect, it } from 'vitest';
import { confidentialPlaceholder, logisticsEndpoint } from '../logistics.js';
import { validateJobDefinition } from '../validate.js';
import { checkLogistics } from './logistics.js';
import { check } from './test-helpers.js';

describe('checkLogistics', () => {
  it('accepts the real network’s confidential placeholder, which validates with no ops', () => {
    expect(check(checkLogistics, confidentialPlaceholder()).errors).toEqual([]);
    expect(validateJobDefinition(confidentialPlaceholder()).ok).toBe(true);
  });

  it('needs an http(s) endpoint for "api", with %%global.job%% allowed in it', () => {
    const { errors } = check(checkLogistics, {
      ops: [],
      logistics: {
        send: { type: 'api', args: {} },
        receive: { type: 'api', args: { endpoint: 'file:///etc/passwd' } },
      },
    });
    expect(errors).toEqual([
      'logistics.send.args.endpoint logistics_endpoint: "api" definition delivery needs an endpoint the node calls',
      'logistics.receive.args.endpoint logistics_endpoint: "file:///etc/passwd" is not an http(s) URL',
    ]);
    const ok = { type: 'api', args: { endpoint: 'https://me.example/jobs/%%global.job%%' } };
    expect(check(checkLogistics, { ops: [], logistics: { send: ok, receive: ok } }).errors).toEqual([]);
  });

  it('refuses an endpoint on "api-listen", where it would be ignored', () => {
    const { errors } = check(checkLogistics, {
      ops: [],
      logistics: { receive: { type: 'api-listen', args: { endpoint: 'https://me.example' } } },
    });
    expect(errors).toEqual([
      'logistics.receive.args.endpoint logistics_endpoint: "api-listen" takes no endpoint: the poster calls the node API',
    ]);
  });

  it('puts the job address in place of %%global.job%%', () => {
    expect(logisticsEndpoint('https://a.example/%%global.job%%/x/%%global.job%%', 'J')).toBe(
      'https://a.example/J/x/J',
    );
  });
});
