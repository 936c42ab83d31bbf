// Vitest set-up for renderer component tests (jsdom).
export {};
