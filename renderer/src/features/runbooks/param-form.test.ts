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
