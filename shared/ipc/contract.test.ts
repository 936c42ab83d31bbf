import { describe, expect, expectTypeOf, it } from 'vitest';
import { Value } from 'typebox/value';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from './contract.ts';
import { splitChannelName, subscriptionName, type SmartCloudOpsBridge } from './bridge.ts';
import type { IpcResult } from './result.ts';
import type { ConnectionList } from './channels/connections.ts';

describe('IPC contract', () => {
  it('names every channel <namespace>.<member> with plain identifiers', () => {
    for (const name of [...Object.keys(INVOKE_CHANNELS), ...Object.keys(EVENT_CHANNELS)]) {
      expect(name).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
    }
  });

  it('never gives a call and a subscription the same bridge member', () => {
    const members = new Set(Object.keys(INVOKE_CHANNELS));
    for (const name of Object.keys(EVENT_CHANNELS)) {
      const { namespace, member } = splitChannelName(name);
      const bridged = `${namespace}.${subscriptionName(member)}`;
      expect(members.has(bridged), bridged).toBe(false);
      members.add(bridged);
    }
  });

  it('declares call channels and event channels by kind', () => {
    for (const channel of Object.values(INVOKE_CHANNELS)) expect(channel.kind).toBe('invoke');
    for (const channel of Object.values(EVENT_CHANNELS)) expect(channel.kind).toBe('event');
  });

  it('accepts a well-formed request and refuses extra or malformed fields', () => {
    const add = INVOKE_CHANNELS['connections.add'].request;
    expect(Value.Check(add, { name: 'prod', url: 'https://ops.example.com' })).toBe(true);
    expect(Value.Check(add, { name: 'prod', url: 'file:///etc/passwd' })).toBe(false);
    expect(Value.Check(add, { name: 'prod', url: 'https://ops.example.com', password: 'x' })).toBe(false);
    const api = INVOKE_CHANNELS['api.request'].request;
    expect(Value.Check(api, { method: 'GET', path: '/api/v1/alerts' })).toBe(true);
    expect(Value.Check(api, { method: 'GET', path: 'https://evil.example/api/v1/' })).toBe(false);
    expect(Value.Check(api, { method: 'TRACE', path: '/api/v1/alerts' })).toBe(false);
    expect(Value.Check(INVOKE_CHANNELS['connections.list'].request, undefined)).toBe(true);
  });

  it('derives the bridge type from the contract', () => {
    expectTypeOf<SmartCloudOpsBridge['connections']['list']>().toEqualTypeOf<() => Promise<IpcResult<ConnectionList>>>();
    expectTypeOf<SmartCloudOpsBridge['stream']['onEvent']>().parameter(0).toBeFunction();
    expectTypeOf<SmartCloudOpsBridge['api']['request']>().parameter(0).toHaveProperty('path');
  });
});

describe('api.request payloads', () => {
  it('accepts what the shared API client builds, optional filters included', () => {
    const api = INVOKE_CHANNELS['api.request'].request;
    expect(Value.Check(api, { method: 'GET', path: '/api/v1/alerts', query: { state: 'firing', limit: 50, silenced: false, q: undefined, incidentId: null, ids: [1, 2] } })).toBe(true);
    expect(Value.Check(api, { method: 'GET', path: '/api/v1/alerts', query: { nested: { a: 1 } } })).toBe(false);
  });
});
