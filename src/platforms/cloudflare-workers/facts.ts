/** Cloudflare Workers (module worker, Paid plan figures). Research: ../shared/platforms.md. */
import type { PlatformProfile } from '../../core/platform-facts.js';

const LIMITS = 'https://developers.cloudflare.com/workers/platform/limits/';
const PRICING = 'https://developers.cloudflare.com/workers/platform/pricing/';
const STARTUP = 'https://developers.cloudflare.com/changelog/2025-10-10-increased-startup-time';

export const cloudflareWorkers: PlatformProfile = {
  id: 'cloudflare-workers',
  name: 'Cloudflare Workers',
  memory: {
    minMb: { value: 128, source: LIMITS },
    maxMb: { value: 128, source: LIMITS },
    sizesMb: { value: [128], source: LIMITS },
    defaultMb: { value: 128, source: LIMITS },
    limitScope: { value: 'isolate', source: LIMITS },
  },
  vcpu: {
    kind: 'fixed',
    vcpu: {
      value: 1,
      source: 'https://developers.cloudflare.com/workers/reference/how-workers-works/',
      verify: 'an isolate runs on one thread; limited by CPU time, not by a CPU share (checked 2026-11-28)',
    },
  },
  package: {
    gzipBytes: { value: 10 * 1024 * 1024, source: LIMITS, verify: 'Paid plan (Free: 3 MB); one newer page version lists 64 MiB (checked 2026-11-28)' },
    plan: 'Paid',
    otherPlans: [{ plan: 'Free', gzipBytes: { value: 3 * 1024 * 1024, source: LIMITS } }],
  },
  timeoutMs: { value: 30_000, source: LIMITS, verify: 'default CPU-time limit on Paid, configurable up to 5 min (checked 2026-11-28)' },
  initTimeoutMs: { value: 1000, source: STARTUP },
  payload: {
    requestBytes: { value: 100 * 1024 * 1024, source: LIMITS, verify: 'request body limit for Free/Pro zones (checked 2026-11-28)' },
    responseBytes: { value: 100 * 1024 * 1024, source: LIMITS, verify: 'no documented response limit; request limit used (checked 2026-11-28)' },
    requestTooLarge: {
      value: { status: 413, errorType: 'HTTP 413 Request Entity Too Large', message: 'the request body ({size} bytes) is over the {limit}-byte limit of the zone plan' },
      source: LIMITS,
    },
  },
  billing: {
    granularityMs: { value: 1, source: PRICING, verify: 'billed on CPU milliseconds (checked 2026-11-28)' },
    pricePerGbSecond: {},
    pricePerCpuSecond: { value: 0.00002, source: PRICING, verify: '$0.02 per million CPU ms, Standard usage model (checked 2026-11-28)' },
    pricePerMillionRequests: { value: 0.3, source: PRICING, verify: 'Standard usage model (checked 2026-11-28)' },
    initBilled: { value: false, source: PRICING, verify: 'start-up CPU time not billed (checked 2026-11-28)' },
  },
  runtime: {
    node: {
      value: '22',
      source: 'https://developers.cloudflare.com/workers/runtime-apis/nodejs/',
      verify: 'workerd is not Node.js; a recent V8 with nodejs_compat; Node 22 used as the syntax target (checked 2026-11-28)',
    },
    nativeAddons: { value: false, source: 'https://developers.cloudflare.com/workers/runtime-apis/nodejs/' },
    sandbox: { value: 'v8-isolate', source: 'https://developers.cloudflare.com/workers/reference/how-workers-works/' },
    maxConcurrency: {
      value: 1,
      source: 'https://developers.cloudflare.com/workers/reference/how-workers-works/',
      verify: 'an isolate interleaves requests on one thread; 1 used for simulation (checked 2026-11-28)',
    },
  },
  launch: {
    source: LIMITS,
    verify: 'workerd caps the isolate heap at 128 MB; emulated with a 128 MB V8 old space (checked 2026-11-28)',
    nodeFlags(memoryMb) {
      return [`--max-old-space-size=${memoryMb}`];
    },
    env() {
      return { NODE_ENV: 'production' };
    },
  },
};
