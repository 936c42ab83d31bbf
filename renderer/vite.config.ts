import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web console build (served by the server at `/`). The desktop build of the same
// renderer is configured in electron.vite.config.ts.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../out/web', emptyOutDir: true },
});
