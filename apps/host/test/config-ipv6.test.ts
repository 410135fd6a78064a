import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, IPV6_INTERFACE_DEFAULTS, validateConfig } from '../src/config.js';

const dual = {
  interfaces: [
    {
      name: 'em0',
      tap: 'tap0',
      addresses: ['192.0.2.2/24', '2001:db8:1::2/64', 'fe80::2%em0/64'],
      ipv6: { acceptRa: false, slaac: false, interfaceIdentifier: 'eui64', dadTransmits: 2 },
    },
    { name: 'em1', sim: 'lan', addresses: ['fe80::2/64'] },
  ],
  routes: [
    { to: 'default', via: '192.0.2.1' },
    { to: 'default', via: 'fe80::1%em0' },
    { to: '2001:db8:9::/48', via: '2001:db8:1::1' },
    { to: '2001:db8:8::/48', via: 'fe80::8', interface: 'em1' },
    { to: '2001:db8:7::/48', interface: 'em1' },
  ],
  services: { udpEcho: [{ port: 7 }, { port: 9, address: '::' }, { port: 10, address: '2001:db8:1::2' }] },
  ipv6: { secret: 'a secret of at least sixteen bytes' },
};

function fieldOf(doc: unknown): string {
  try {
    validateConfig(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const field = (e as ConfigError).field;
    expect((e as Error).message.startsWith(`${field}: `)).toBe(true);
    return field;
  }
  throw new Error('expected a ConfigError');
}

function messageOf(doc: unknown): string {
  try {
    validateConfig(doc);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('host configuration: IPv6', () => {
  it('accepts addresses, link-local with scope, routes, autoconfiguration and echo services', () => {
    const c = validateConfig(dual);
    expect(c.families).toEqual(['ipv4', 'ipv6']);
    const [em0, em1] = c.interfaces;
    expect(em0.addresses.map((a) => `${a.address.toString()}/${a.prefixLength}`)).toEqual(['192.0.2.2/24', '2001:db8:1::2/64', 'fe80::2/64']);
    expect(em0.ipv6).toEqual({ acceptRa: false, slaac: false, linkLocal: true, interfaceIdentifier: 'eui64', dadTransmits: 2 });
    expect(em1.ipv6).toEqual(IPV6_INTERFACE_DEFAULTS);
    expect(c.routes.map((r) => [`${r.prefix.toString()}/${r.prefixLength}`, r.via?.toString(), r.interface])).toEqual([
      ['0.0.0.0/0', '192.0.2.1', undefined],
      ['::/0', 'fe80::1', 'em0'],
      ['2001:db8:9::/48', '2001:db8:1::1', undefined],
      ['2001:db8:8::/48', 'fe80::8', 'em1'],
      ['2001:db8:7::/48', undefined, 'em1'],
    ]);
    expect(c.services.udpEcho.map((e) => `${e.address.toString()}#${e.port}`)).toEqual(['0.0.0.0#7', '::#7', '::#9', '2001:db8:1::2#10']);
    expect(c.ipv6?.secret).toBe('a secret of at least sixteen bytes');
  });

  it('IPv6 alone: families ["ipv6"], "default" is ::/0, echo binds ::', () => {
    const c = validateConfig({
      families: ['ipv6'],
      interfaces: [{ name: 'em0', tap: 'tap0' }],
      routes: [{ to: 'default', interface: 'em0' }],
      services: { udpEcho: { port: 7 } },
    });
    expect(c.families).toEqual(['ipv6']);
    expect(c.interfaces[0].ipv6).toEqual(IPV6_INTERFACE_DEFAULTS);
    expect(c.routes[0].prefix.toString()).toBe('::');
    expect(c.services.udpEcho.map((e) => e.address.toString())).toEqual(['::']);
  });

  it('families default to IPv4, plus IPv6 when anything IPv6 is configured', () => {
    expect(validateConfig({ interfaces: [{ name: 'em0', tap: 't', addresses: ['192.0.2.1/24'] }] }).families).toEqual(['ipv4']);
    expect(validateConfig({ interfaces: [{ name: 'em0', tap: 't', addresses: ['192.0.2.1/24'] }] }).interfaces[0].ipv6).toBeUndefined();
    expect(validateConfig({ interfaces: [{ name: 'em0', tap: 't', ipv6: {} }] }).families).toEqual(['ipv4', 'ipv6']);
    expect(validateConfig({ interfaces: [{ name: 'em0', tap: 't', addresses: ['2001:db8::1/64'] }] }).families).toEqual(['ipv4', 'ipv6']);
  });

  it.each([
    // families
    [{ ...dual, families: [] }, 'families'],
    [{ ...dual, families: ['ipv5'] }, 'families[0]'],
    [{ ...dual, families: ['ipv6', 'ipv6'] }, 'families[1]'],
    [{ ...dual, families: ['ipv6'] }, 'interfaces[0].addresses[0]'], // 192.0.2.2/24 without IPv4
    [{ families: ['ipv4'], interfaces: [{ name: 'em0', tap: 't', addresses: ['2001:db8::1/64'] }] }, 'interfaces[0].addresses[0]'],
    [{ families: ['ipv4'], interfaces: [{ name: 'em0', tap: 't', ipv6: {} }] }, 'interfaces[0].ipv6'],
    [{ families: ['ipv4'], interfaces: [{ name: 'em0', tap: 't' }], ipv6: {} }, 'ipv6'],
    [{ families: ['ipv4'], interfaces: [{ name: 'em0', tap: 't' }], routes: [{ to: '::/0', interface: 'em0' }] }, 'routes[0].to'],
    [{ families: ['ipv4'], interfaces: [{ name: 'em0', tap: 't' }], services: { udpEcho: { port: 7, address: '::' } } }, 'services.udpEcho.address'],
    // addresses
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['2001:db8::1'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['2001:db8::1/129'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['2001:db8:::1/64'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['ff02::1/64'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['::/64'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['::1/128'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['::ffff:192.0.2.1/128'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['fe80::1%em1/64'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['2001:db8::1%em0/64'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['fe80::1/8'] }] }, 'interfaces[0].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['2001:db8::1/64', '2001:db8::1/48'] }] }, 'interfaces[0].addresses[1]'],
    [{ interfaces: [{ name: 'em0', tap: 't', addresses: ['2001:db8::1/64'] }, { name: 'em1', tap: 'u', addresses: ['2001:db8::1/64'] }] }, 'interfaces[1].addresses[0]'],
    [{ interfaces: [{ name: 'em0', tap: 't', mtu: 1000, addresses: ['2001:db8::1/64'] }] }, 'interfaces[0].mtu'],
    // per-interface autoconfiguration
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: [] }] }, 'interfaces[0].ipv6'],
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: { acceptRa: 'yes' } }] }, 'interfaces[0].ipv6.acceptRa'],
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: { slaac: 1 } }] }, 'interfaces[0].ipv6.slaac'],
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: { interfaceIdentifier: 'random' } }] }, 'interfaces[0].ipv6.interfaceIdentifier'],
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: { dadTransmits: 11 } }] }, 'interfaces[0].ipv6.dadTransmits'],
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: { dadTransmits: -1 } }] }, 'interfaces[0].ipv6.dadTransmits'],
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: { privacy: true } }] }, 'interfaces[0].ipv6.privacy'],
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: {} }], ipv6: { secret: 'short' } }, 'ipv6.secret'],
    [{ interfaces: [{ name: 'em0', tap: 't', ipv6: {} }], ipv6: { hopLimit: 3 } }, 'ipv6.hopLimit'],
    // routes
    [{ ...dual, routes: [{ to: '2001:db8::/32', via: '192.0.2.1' }] }, 'routes[0].via'],
    [{ ...dual, routes: [{ to: '2001:db8::1/32', via: 'fe80::1%em0' }] }, 'routes[0].to'],
    [{ ...dual, routes: [{ to: '2001:db8::/32', via: 'fe80::1' }] }, 'routes[0].via'],
    [{ ...dual, routes: [{ to: '2001:db8::/32', via: 'fe80::1%em7' }] }, 'routes[0].via'],
    [{ ...dual, routes: [{ to: '2001:db8::/32', via: 'fe80::1%em0', interface: 'em1' }] }, 'routes[0].via'],
    [{ ...dual, routes: [{ to: '2001:db8::/32', via: '2001:db8:1::1%em0' }] }, 'routes[0].via'],
    [{ ...dual, routes: [{ to: '2001:db8::/32', via: 'ff02::2%em0' }] }, 'routes[0].via'],
    [{ ...dual, routes: [{ to: '2001:db8::/32', via: '2001:db8:1::1::' }] }, 'routes[0].via'],
    [{ ...dual, routes: [{ to: '10.0.0.0/8', via: '192.0.2.1%em0' }] }, 'routes[0].via'],
    [{ ...dual, routes: [{ to: '2001:db8::/32', interface: 'em9' }] }, 'routes[0].interface'],
    // services
    [{ ...dual, services: { udpEcho: { port: 7, address: '2001:db8:5::5' } } }, 'services.udpEcho.address'],
    [{ ...dual, services: { udpEcho: { port: 7, address: 'fe80::2%em0' } } }, 'services.udpEcho.address'],
    [{ ...dual, services: { udpEcho: [{ port: 7 }, { port: 7, address: '::' }] } }, 'services.udpEcho[1].port'],
    [{ ...dual, services: { udpEcho: [{ port: 7 }, { port: 0, address: '::' }] } }, 'services.udpEcho[1].port'],
    [{ ...dual, services: { udpEcho: [{ port: 7, addr: '::' }] } }, 'services.udpEcho[0].addr'],
  ])('names the bad field %#', (doc, field) => {
    expect(fieldOf(doc)).toBe(field);
  });

  it('explains the mistake', () => {
    expect(messageOf({ ...dual, routes: [{ to: '2001:db8::/32', via: '192.0.2.1' }] })).toBe(
      'routes[0].via: gateway 192.0.2.1 is IPv4, but the route 2001:db8::/32 is IPv6',
    );
    expect(messageOf({ ...dual, routes: [{ to: '2001:db8::/32', via: 'fe80::1' }] })).toMatch(/^routes\[0\]\.via: link-local gateway fe80::1 needs its interface/);
    expect(messageOf({ families: ['ipv6'], interfaces: [{ name: 'em0', tap: 't', addresses: ['192.0.2.1/24'] }] })).toBe(
      'interfaces[0].addresses[0]: address 192.0.2.1 is IPv4, but "families" (["ipv6"]) does not load IPv4',
    );
    expect(messageOf({ interfaces: [{ name: 'em0', tap: 't', addresses: ['fe80::1%em1/64'] }] })).toBe(
      'interfaces[0].addresses[0]: zone "%em1" is not this interface ("em0")',
    );
  });

  it("every configuration in the README validates", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const b of blocks) expect(() => validateConfig(JSON.parse(b))).not.toThrow();
  });
});
