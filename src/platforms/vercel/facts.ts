/** Vercel Functions, Node.js runtime (fluid compute). Research: ../shared/platforms.md. */
import type { PlatformProfile } from '../../core/platform-facts.js';

const LIMITS = 'https://vercel.com/docs/functions/limitations';
const DURATION = 'https://vercel.com/docs/functions/configuring-functions/duration';
const PRICING = 'https://vercel.com/docs/functions/usage-and-pricing';
const VERIFY = 'not in ../shared/platforms.md; fluid compute list price, iad1 (checked 2026-11-28)';

export const vercel: PlatformProfile = {
  id: 'vercel',
  name: 'Vercel Functions (Node.js)',
  memory: {
    minMb: { value: 2048, source: LIMITS },
    maxMb: { value: 4096, source: LIMITS },
    sizesMb: { value: [2048, 4096], source: LIMITS },
    defaultMb: { value: 2048, source: LIMITS },
  },
  vcpu: {
    kind: 'tiers',
    tiers: {
      value: [
        { memoryMb: 2048, vcpu: 1 },
        { memoryMb: 4096, vcpu: 2 },
      ],
      source: LIMITS,
      verify: 'vCPU pairing (2 GB / 1 vCPU, 4 GB / 2 vCPU) to be verified (checked 2026-11-28)',
    },
  },
  package: {
    unzippedBytes: { value: 250 * 1024 * 1024, source: LIMITS },
  },
  timeoutMs: { value: 300_000, source: DURATION, verify: 'default 300 s; Pro max 800 s; may have changed in 2026 (checked 2026-11-28)' },
  payload: {
    requestBytes: { value: 4.5 * 1024 * 1024, source: LIMITS, verify: '4.5 MB request body (checked 2026-11-28)' },
    responseBytes: { value: 4.5 * 1024 * 1024, source: LIMITS, verify: '4.5 MB response body (checked 2026-11-28)' },
    requestTooLarge: {
      value: { status: 413, errorType: 'FUNCTION_PAYLOAD_TOO_LARGE', message: 'Request Entity Too Large: the request body ({size} bytes) is over the {limit}-byte limit' },
      source: 'https://vercel.com/docs/errors/FUNCTION_PAYLOAD_TOO_LARGE',
    },
    responseTooLarge: {
      value: { status: 413, errorType: 'FUNCTION_PAYLOAD_TOO_LARGE', message: 'the response body ({size} bytes) is over the {limit}-byte limit' },
      source: 'https://vercel.com/docs/errors/FUNCTION_PAYLOAD_TOO_LARGE',
    },
  },
  billing: {
    granularityMs: { value: 1, source: PRICING, verify: VERIFY },
    pricePerGbSecond: { x64: { value: 0.0106 / 3600, source: PRICING, verify: `${VERIFY}: $0.0106 per GB-hour provisioned memory` } },
    pricePerCpuSecond: { value: 0.128 / 3600, source: PRICING, verify: `${VERIFY}: $0.128 per active CPU hour` },
    pricePerMillionRequests: { value: 0.6, source: PRICING, verify: VERIFY },
    initBilled: { value: true, source: PRICING, verify: VERIFY },
  },
  runtime: {
    node: { value: '22', source: 'https://vercel.com/docs/functions/runtimes/node-js', verify: 'Node 22 default assumed (checked 2026-11-28)' },
    nativeAddons: { value: true, source: 'https://vercel.com/docs/functions/runtimes/node-js' },
    maxConcurrency: {
      value: 1,
      source: 'https://vercel.com/docs/fluid-compute',
      verify: 'fluid compute serves several requests per instance; 1 used by default (checked 2026-11-28)',
    },
  },
  launch: {
    source: 'https://vercel.com/docs/projects/environment-variables/system-environment-variables',
    verify: 'Vercel Node functions run on AWS Lambda; Lambda heap sizing assumed (checked 2026-11-28)',
    nodeFlags(memoryMb) {
      const newSpace = Math.floor(memoryMb / 10);
      return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
    },
    env(memoryMb, functionName) {
      return {
        VERCEL: '1',
        VERCEL_ENV: 'production',
        VERCEL_REGION: 'iad1',
        VERCEL_URL: `${functionName}.vercel.app`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        NODE_ENV: 'production',
      };
    },
  },
};
