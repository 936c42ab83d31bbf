import { queryOptions } from '@tanstack/react-query';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import { unwrap } from '../../platform/ipc-result.ts';

export const connectionQueries = {
  list: (bridge: SmartCloudOpsBridge) => queryOptions({ queryKey: ['desktop', 'connections'], queryFn: () => unwrap(bridge.connections.list()) }),
};
