import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Named ranges a `TRUST_PROXY` list may use besides addresses and CIDR blocks. */
const RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Why a `TRUST_PROXY` entry is not usable, or undefined when it is. */
export function trustProxyProblem(spec: string): string | undefined {
  for (const entry of entries(spec)) {
    if (RANGES[entry]) continue;
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
    const max = family === 4 ? 32 : 128;
    if (family === 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      return `"${entry}" is not an address, a CIDR block or one of ${Object.keys(RANGES).join(', ')}`;
    }
  }
  return entries(spec).length === 0 ? 'name at least one address' : undefined;
}

/**
 * Express's `trust proxy` function for a comma-separated list of addresses, CIDR blocks and
 * named ranges (`loopback`, `linklocal`, `uniquelocal`): the X-Forwarded-* headers are believed
 * only when the request comes straight from one of them (the gateway, ingress-nginx), and only
 * for that one hop, so `req.ip` is the address that proxy saw. A client that reaches the
 * service some other way, or writes its own X-Forwarded-For, cannot choose its address (the
 * rate limits count by it).
 */
export function trustedProxy(spec: string): (address: string, hop: number) => boolean {
  const problem = trustProxyProblem(spec);
  if (problem) throw new Error(`TRUST_PROXY: ${problem}`);
  const list = new BlockList();
  for (const entry of entries(spec)) {
    for (const block of RANGES[entry] ?? [entry]) {
      const [address, bits] = block.split('/') as [string, string | undefined];
      const type = isIPv4(address) ? 'ipv4' : 'ipv6';
      if (bits === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(bits), type);
    }
  }
  return (address, hop) => {
    if (hop !== 0) return false;
    // An IPv4 peer on a dual-stack socket reads ::ffff:127.0.0.1.
    const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
    return isIPv4(plain) ? list.check(plain, 'ipv4') : isIPv6(plain) && list.check(plain, 'ipv6');
  };
}

const entries = (spec: string) =>
  spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
