/**
 * Azure Functions, Node.js v4 programming model, HTTP trigger. Sizes: Flex Consumption instance
 * sizes (512, 2,048, 4,096 MB) plus the classic Consumption plan's fixed 1.5 GB / ~1 core instance.
 * Research: ../shared/platforms.md.
 */
import type { PlatformProfile } from '../../core/platform-facts.js';

const FLEX = 'https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#instance-sizes';
const SCALE = 'https://learn.microsoft.com/azure/azure-functions/functions-scale';
const TIMEOUT = 'https://learn.microsoft.com/azure/azure-functions/functions-scale#timeout';
const HTTP = 'https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#limits';
const PRICING = 'https://azure.microsoft.com/pricing/details/functions/';
const VERIFY = 'not in ../shared/platforms.md; Consumption plan list price (checked 2026-11-28)';

export const azureFunctions: PlatformProfile = {
  id: 'azure-functions',
  name: 'Azure Functions (Consumption / Flex Consumption)',
  memory: {
    minMb: { value: 512, source: FLEX },
    maxMb: { value: 4096, source: FLEX },
    sizesMb: { value: [512, 1536, 2048, 4096], source: `${FLEX} ; ${SCALE}` },
    defaultMb: { value: 2048, source: FLEX },
  },
  vcpu: {
    kind: 'tiers',
    tiers: {
      value: [
        { memoryMb: 512, vcpu: 0.25 },
        { memoryMb: 1536, vcpu: 1 },
        { memoryMb: 2048, vcpu: 1 },
        { memoryMb: 4096, vcpu: 2 },
      ],
      source: `${FLEX} ; ${SCALE} (Consumption: 1.5 GB, about 1 core)`,
    },
  },
  package: {
    zippedBytes: {
      value: 1024 * 1024 * 1024,
      source: 'https://learn.microsoft.com/azure/azure-functions/functions-deployment-technologies',
      verify: 'no hard zip limit in ../shared/platforms.md; 1 GB assumed for zip deploy (checked 2026-11-28)',
    },
  },
  timeoutMs: { value: 230_000, source: TIMEOUT, verify: 'HTTP response limit (load balancer idle timeout); plan maximum is 10 min (Consumption) / 30 min default (Flex) (checked 2026-11-28)' },
  payload: {
    requestBytes: { value: 100 * 1024 * 1024, source: HTTP },
    responseBytes: { value: 100 * 1024 * 1024, source: HTTP, verify: 'response limit assumed equal to request limit (checked 2026-11-28)' },
    requestTooLarge: {
      value: { status: 413, errorType: 'HTTP 413 Payload Too Large', message: 'the request body ({size} bytes) is over the {limit}-byte limit' },
      source: HTTP,
    },
  },
  billing: {
    granularityMs: { value: 1, source: PRICING, verify: `${VERIFY}; minimum 100 ms and 128 MB per execution` },
    minimumBilledMs: { value: 100, source: PRICING, verify: `${VERIFY}; minimum 100 ms per execution` },
    memoryRoundUpMb: { value: 128, source: PRICING, verify: `${VERIFY}; memory rounded up to the nearest 128 MB` },
    pricePerGbSecond: { x64: { value: 0.000016, source: PRICING, verify: VERIFY } },
    pricePerMillionRequests: { value: 0.2, source: PRICING, verify: VERIFY },
    initBilled: { value: false, source: PRICING, verify: 'only execution time is metered on Consumption (checked 2026-11-28)' },
  },
  runtime: {
    node: { value: '22', source: 'https://learn.microsoft.com/azure/azure-functions/functions-versions', verify: 'Node 22 assumed (checked 2026-11-28)' },
    nativeAddons: { value: true, source: 'https://learn.microsoft.com/azure/azure-functions/functions-reference-node' },
    maxConcurrency: {
      value: 1,
      source: FLEX,
      verify: 'Flex per-instance HTTP concurrency is configurable (default 16 for Node); 1 used here (checked 2026-11-28)',
    },
  },
  launch: {
    source: 'https://learn.microsoft.com/azure/azure-functions/functions-app-settings',
    verify: 'no heap flags known; the worker runs with the host-chosen defaults (checked 2026-11-28)',
    nodeFlags() {
      return [];
    },
    env(memoryMb, functionName) {
      return {
        FUNCTIONS_WORKER_RUNTIME: 'node',
        FUNCTIONS_EXTENSION_VERSION: '~4',
        WEBSITE_SITE_NAME: functionName,
        WEBSITE_INSTANCE_ID: 'dlpack-local',
        WEBSITE_MEMORY_LIMIT_MB: String(memoryMb),
        NODE_ENV: 'production',
      };
    },
  },
};
