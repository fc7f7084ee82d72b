import request from 'supertest';
import { z } from 'zod';
import { env, parseConfig } from '../../config/load-config';
import { trustedProxy, trustProxyProblem } from '../trust-proxy';
import { buildApp } from './test-app';

const ipApp = (trustProxy?: string) =>
  buildApp((app) => app.get('/ip', (req, res) => res.json({ ip: req.ip })), trustProxy ? { trustProxy } : {}).app;

describe('trusted proxy', () => {
  it('when the request comes from the gateway (loopback), then req.ip is the address the gateway appended, not what the client wrote', async () => {
    const response = await request(ipApp()).get('/ip').set('X-Forwarded-For', '203.0.113.7, 198.51.100.2');
    expect(response.body.ip).toBe('198.51.100.2');
  });

  it('when the request does not come from a trusted proxy, then X-Forwarded-For is ignored', async () => {
    const response = await request(ipApp('10.0.0.0/8')).get('/ip').set('X-Forwarded-For', '203.0.113.7');
    expect(response.body.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
  });

  it('trusts one hop only, from the listed addresses, blocks and named ranges', () => {
    const trust = trustedProxy('loopback, 10.244.0.0/16, 192.0.2.10');
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('::ffff:127.0.0.1', 0)).toBe(true);
    expect(trust('::1', 0)).toBe(true);
    expect(trust('10.244.3.9', 0)).toBe(true);
    expect(trust('192.0.2.10', 0)).toBe(true);
    expect(trust('10.245.0.1', 0)).toBe(false);
    expect(trust('192.0.2.11', 0)).toBe(false);
    expect(trust('127.0.0.1', 1)).toBe(false);
    expect(trustedProxy('uniquelocal')('172.20.1.1', 0)).toBe(true);
  });

  it.each(['', 'everyone', '10.0.0.0/33', '300.1.1.1', 'loopback, ::1/129'])(
    'when TRUST_PROXY is %p, then the configuration names it',
    (value) => {
      expect(trustProxyProblem(value)).toBeDefined();
      expect(() => parseConfig(z.object({ TRUST_PROXY: env.trustProxy }), { TRUST_PROXY: value || ' ' })).toThrow(
        /TRUST_PROXY/,
      );
    },
  );
});
