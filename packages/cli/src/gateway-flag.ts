import { Flags } from '@oclif/core';

/** `--gateway` of the commands that show jobs' public URLs (apart from service-urls.ts, which needs no oclif). */
export const gatewayFlag = Flags.string({
  summary: "gateway that publishes jobs' services, for their public URLs (`none`: do not show them)",
  description:
    'Default: on localnet the gateway `nosana localnet start` runs (announced by the localnet); on mainnet https://node.k8s.prd.nos.ci.',
  env: 'NOSANA_GATEWAY_URL',
});
