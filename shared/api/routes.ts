import { metricsRoutes } from './metrics.ts';
import { streamRoutes } from './stream.ts';
import { chatopsRoutes, slackRoutes } from './chatops.ts';

/**
 * The route table: every endpoint of `/api/v1`, grouped by feature. The server registers
 * each group from here and `createApiClient` derives its calls from it.
 */
export const apiRoutes = {
  metrics: metricsRoutes,
  stream: streamRoutes,
  chatops: chatopsRoutes,
  slack: slackRoutes,
} as const;
