import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/spotlight/styles.css';
import './app/global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './app/Root.tsx';
import { detectPlatform } from './platform/detect.ts';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const platform = detectPlatform();
// Resuming the session starts now, in parallel with React's first render, not after it.
const restoring = platform.restoreSession();
createRoot(container).render(
  <StrictMode>
    <Root platform={platform} restoring={restoring} />
  </StrictMode>,
);
