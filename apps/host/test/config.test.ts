import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, validateConfig } from '../src/config.js';

const good = {
  interfaces: [{ name: 'em0', tap: 'tap0', addresses: ['192.0.2.2/24'], mtu: 1500 }],
  routes: [{ to: 'default', via: '192.0.2.1' }],
  services: { udpEcho: { port: 7 } },
};

describe('host configuration', () => {
  it('accepts a valid file', () => {
    const c = validateConfig(good);
    expect(c.interfaces[0].addresses[0].address.toString()).toBe('192.0.2.2');
    expect(c.interfaces[0].addresses[0].prefixLength).toBe(24);
    expect(c.routes[0].prefixLength).toBe(0);
    expect(c.services.udpEcho.map((e) => [e.address.toString(), e.port])).toEqual([['0.0.0.0', 7]]);
  });

  it.each([
    [{ ...good, interfaces: [] }, 'interfaces'],
    [{ ...good, interfaces: [{ name: 'em0', addresses: [] }] }, 'interfaces[0]'],
    [{ ...good, interfaces: [{ name: 'Em0', tap: 't' }] }, 'interfaces[0].name'],
    [{ ...good, interfaces: [{ name: 'em0', tap: 't', mtu: 20 }] }, 'interfaces[0].mtu'],
    [{ ...good, interfaces: [{ name: 'em0', tap: 't', addresses: ['192.0.2.300/24'] }] }, 'interfaces[0].addresses[0]'],
    [{ ...good, interfaces: [{ name: 'em0', tap: 't', mac: 'zz:00' }] }, 'interfaces[0].mac'],
    [{ ...good, routes: [{ to: '10.0.0.1/8', via: '192.0.2.1' }] }, 'routes[0].to'],
    [{ ...good, routes: [{ to: '10.0.0.0/8', via: '2001:db8::1' }] }, 'routes[0].via'],
    [{ ...good, routes: [{ to: '10.0.0.0/8', interface: 'em9' }] }, 'routes[0].interface'],
    [{ ...good, services: { udpEcho: { port: 70000 } } }, 'services.udpEcho.port'],
    [{ ...good, colour: 'blue' }, 'colour'],
  ])('names the bad field %#', (doc, field) => {
    try {
      validateConfig(doc);
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe(field);
      expect((e as Error).message.startsWith(`${field}: `)).toBe(true);
    }
  });

  it('reports JSON syntax errors', () => {
    expect(() => parseConfig('{ "interfaces": [ }')).toThrow(/^\(file\): not valid JSON/);
  });
});
