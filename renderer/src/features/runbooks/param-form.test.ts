import { describe, expect, it } from 'vitest';
import { initialValues, toParams } from './param-form.ts';

describe('run form values', () => {
  const specs = { service: { type: 'string' as const, enum: ['web', 'api'] }, count: { type: 'integer' as const, default: 2 }, force: { type: 'boolean' as const, default: false } };

  it('starts from trigger values, then defaults', () => {
    expect(initialValues(specs, { service: 'api' })).toEqual({ service: 'api', count: '2', force: 'false' });
  });

  it('converts text to the declared types and leaves empty non-strings out', () => {
    expect(toParams(specs, { service: 'web', count: '5', force: 'true' })).toEqual({ service: 'web', count: 5, force: true });
    expect(toParams(specs, { service: '', count: '', force: 'false' })).toEqual({ service: '', force: false });
  });
});

describe('run form values of secret parameters', () => {
  const specs = {
    cluster: { type: 'string' as const },
    password: { type: 'string' as const },
    api_token: { type: 'string' as const, default: '[redacted]' },
    pin: { type: 'integer' as const, secret: true },
    token_kind: { type: 'string' as const, enum: ['bearer', 'basic'], default: 'bearer' },
  };

  it('start empty: the default the server shows is [redacted], not a value to send back', () => {
    expect(initialValues(specs)).toEqual({ cluster: '', password: '', api_token: '', pin: '', token_kind: 'bearer' });
  });

  it('are left out when empty (the server fills in the real default or says it is required)', () => {
    expect(toParams(specs, { cluster: '', password: '', api_token: '', pin: '', token_kind: 'bearer' })).toEqual({ cluster: '', token_kind: 'bearer' });
    expect(toParams(specs, { cluster: 'main', password: 'hunter2-hunter2', api_token: 'tok-1234', pin: '4821', token_kind: 'basic' })).toEqual({ cluster: 'main', password: 'hunter2-hunter2', api_token: 'tok-1234', pin: 4821, token_kind: 'basic' });
  });
});
