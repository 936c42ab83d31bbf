import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web console build (served by the server at `/`). The desktop build of the same
// renderer is configured in electron.vite.config.ts.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/web',
    emptyOutDir: true,
    // Libraries change less often than the console: one vendor chunk, cached for a year by
    // the server, instead of dozens of small shared chunks fetched one after the other at start.
    // Views stay lazy chunks of their own. The PromQL editor's libraries (CodeMirror, the
    // Prometheus grammar) serve the metrics explorer only: a chunk of their own, loaded with it.
    // Likewise the Markdown renderer of notes.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'promql-editor', test: /node_modules[\\/](@codemirror|@lezer|@prometheus-io|@marijn|style-mod|w3c-keyname|crelt)[\\/]/, priority: 1 },
            // Markdown (react-markdown, the unified/remark/rehype ecosystem) renders incident notes:
            // ~55 KiB gzip that the incident page and replay load, not the first page.
            {
              name: 'markdown',
              test: /node_modules[\\/](react-markdown|remark-[^\\/]+|rehype-[^\\/]+|mdast-[^\\/]+|micromark[^\\/]*|hast-[^\\/]+|hastscript|unist-[^\\/]+|unified|vfile[^\\/]*|bail|trough|is-plain-obj|extend|devlop|ccount|comma-separated-tokens|space-separated-tokens|property-information|decode-named-character-reference|character-entities[^\\/]*|character-reference-invalid|html-url-attributes|longest-streak|markdown-table|zwitch|trim-lines|estree-util-[^\\/]+|style-to-[^\\/]+|inline-style-parser|web-namespaces)[\\/]/,
              priority: 1,
              // Without this the group would also take what it imports (React), and load first.
              includeDependenciesRecursively: false,
            },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
    chunkSizeWarningLimit: 1200,
  },
  // `npx vite --config renderer/vite.config.ts`: hot-reloading console against a running
  // server (`npm run server`), same origin for the API as in production.
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: process.env.SMARTCLOUDOPS_API ?? 'http://127.0.0.1:8787', changeOrigin: false } },
  },
});
