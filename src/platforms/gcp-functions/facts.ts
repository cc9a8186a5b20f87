/** Google Cloud Run functions (Cloud Functions 2nd gen), HTTP trigger. Research: ../shared/platforms.md. */
import type { PlatformProfile } from '../../core/platform-facts.js';

const MEMORY = 'https://cloud.google.com/functions/docs/configuring/memory';
const QUOTAS = 'https://docs.cloud.google.com/functions/quotas';
const QUOTAS_GEN1 = 'https://cloud.google.com/functions/quotas-1st-gen';
const PRICING = 'https://cloud.google.com/run/pricing';
const VERIFY = 'not in ../shared/platforms.md; Cloud Run request-based billing, tier 1 (checked 2026-11-28)';

export const gcpFunctions: PlatformProfile = {
  id: 'gcp-functions',
  name: 'Google Cloud Run functions (2nd gen)',
  memory: {
    minMb: { value: 128, source: MEMORY },
    maxMb: { value: 32_768, source: MEMORY },
    sizesMb: { value: [128, 256, 512, 1024, 2048, 4096, 8192, 16_384, 32_768], source: MEMORY },
    defaultMb: { value: 256, source: MEMORY, verify: 'default memory for new functions (checked 2026-11-28)' },
  },
  vcpu: {
    kind: 'tiers',
    tiers: {
      value: [
        { memoryMb: 128, vcpu: 0.083 },
        { memoryMb: 256, vcpu: 0.167 },
        { memoryMb: 512, vcpu: 0.333 },
        { memoryMb: 1024, vcpu: 0.583 },
        { memoryMb: 2048, vcpu: 1 },
        { memoryMb: 4096, vcpu: 2 },
        { memoryMb: 8192, vcpu: 2 },
        { memoryMb: 16_384, vcpu: 4 },
        { memoryMb: 32_768, vcpu: 8 },
      ],
      source: MEMORY,
    },
  },
  package: {
    zippedBytes: { value: 100 * 1024 * 1024, source: QUOTAS_GEN1, verify: 'gen1 source limit; gen2 builds a container image (checked 2026-11-28)' },
    unzippedBytes: { value: 500 * 1024 * 1024, source: QUOTAS_GEN1, verify: 'gen1 sources + modules limit (checked 2026-11-28)' },
  },
  timeoutMs: { value: 3_600_000, source: QUOTAS },
  payload: {
    requestBytes: { value: 32 * 1024 * 1024, source: QUOTAS },
    responseBytes: { value: 32 * 1024 * 1024, source: QUOTAS },
    requestTooLarge: {
      value: { status: 413, errorType: 'HTTP 413 Request Entity Too Large', message: 'the request body ({size} bytes) is over the {limit}-byte limit' },
      source: 'https://cloud.google.com/run/quotas#cloud_run_limits',
      verify: 'answered by the Google front end before the instance (checked 2026-11-28)',
    },
    responseTooLarge: {
      value: { status: 500, errorType: 'HTTP 500 (response too large)', message: 'the response ({size} bytes) is over the {limit}-byte HTTP/1 response limit' },
      source: 'https://cloud.google.com/run/quotas#cloud_run_limits',
      verify: 'the quota page gives the 32 MiB HTTP/1 response limit; the status seen by the caller is not documented (checked 2026-11-28)',
    },
  },
  billing: {
    granularityMs: { value: 100, source: PRICING, verify: 'billable time rounded up to 100 ms (checked 2026-11-28)' },
    pricePerGbSecond: {
      x64: { value: 0.0000025, source: PRICING, verify: VERIFY },
    },
    pricePerVcpuSecond: { x64: { value: 0.000024, source: PRICING, verify: VERIFY } },
    pricePerMillionRequests: { value: 0.4, source: PRICING, verify: VERIFY },
    initBilled: { value: true, source: PRICING, verify: 'instance start-up is billable time (checked 2026-11-28)' },
  },
  runtime: {
    node: { value: '22', source: 'https://cloud.google.com/functions/docs/runtime-support', verify: 'nodejs22 assumed (checked 2026-11-28)' },
    nativeAddons: { value: true, source: 'https://cloud.google.com/functions/docs/writing/specifying-dependencies-nodejs' },
    maxConcurrency: { value: 1000, source: QUOTAS },
  },
  launch: {
    source: 'https://cloud.google.com/functions/docs/configuring/env-var#runtime_environment_variables_set_automatically',
    verify: 'no heap flags known: Node sizes its heap from the container memory limit (checked 2026-11-28)',
    nodeFlags() {
      return [];
    },
    env(memoryMb, functionName) {
      return {
        FUNCTION_TARGET: 'handler',
        FUNCTION_SIGNATURE_TYPE: 'http',
        K_SERVICE: functionName,
        K_REVISION: `${functionName}-00001-dlp`,
        K_CONFIGURATION: functionName,
        PORT: '8080',
        NODE_ENV: 'production',
        DLPACK_MEMORY_MB: String(memoryMb),
      };
    },
  },
};
