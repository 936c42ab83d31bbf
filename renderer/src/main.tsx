import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/spotlight/styles.css';
import './app/global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './app/Root.tsx';
import { detectPlatform } from './platform/detect.ts';
import { createQueryClient } from './app/query-client.ts';
import { prefetchLanding } from './features/overview/queries.ts';
import { currentPath } from './lib/router.ts';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const platform = detectPlatform();
const queryClient = createQueryClient();
// Resuming the session starts now, in parallel with React's first render, and a resumed
// session landing on the overview starts its reads as soon as it is known.
const restoring = platform.restoreSession();
void restoring.then((session) => prefetchLanding(queryClient, platform.api, session, currentPath()));
createRoot(container).render(
  <StrictMode>
    <Root platform={platform} restoring={restoring} queryClient={queryClient} />
  </StrictMode>,
);
