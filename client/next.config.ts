import path from 'node:path';
import type { NextConfig } from 'next';

// Next reads this before it creates its telemetry client, so `next build`/`next dev` never phone
// home even when the caller forgot NEXT_TELEMETRY_DISABLED (the project's machines are offline).
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

// npm workspaces hoist dependencies to the repository root: tracing (for the standalone output
// of the Docker image) and Turbopack must both look there.
const workspaceRoot = path.join(__dirname, '..');

const nextConfig: NextConfig = {
  output: 'standalone',
  poweredByHeader: false,
  reactStrictMode: true,
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
};

export default nextConfig;
