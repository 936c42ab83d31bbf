/**
 * The console's Content-Security-Policy. The renderer talks to servers only through
 * IPC, so `connect-src` is the app itself; Mantine sets CSS variables in style
 * attributes, hence inline styles. In development the Vite dev server needs its origin
 * and websocket for hot reload, and React Refresh injects an inline preamble script.
 */
export function contentSecurityPolicy(options: { devServerOrigin?: string } = {}): string {
  const dev = options.devServerOrigin;
  const self = dev ? `'self' ${dev}` : "'self'";
  const directives: Record<string, string> = {
    'default-src': self,
    'script-src': dev ? `${self} 'unsafe-inline'` : "'self'",
    'style-src': `${self} 'unsafe-inline'`,
    'img-src': `${self} data:`,
    'font-src': `${self} data:`,
    'connect-src': dev ? `${self} ${dev.replace(/^http/, 'ws')}` : "'self'",
    'object-src': "'none'",
    'frame-src': "'none'",
    'worker-src': self,
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
  };
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}
