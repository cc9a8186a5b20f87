/**
 * The flags of the commands that run one function instance (`invoke`, `serve`): the platform,
 * memory size, timeout and how the limits are enforced; and their mapping to the engine's options.
 */
import { Flags } from '@oclif/core';
import { parseDuration } from '../core/units.js';

export const instanceFlags = {
  platform: Flags.string({ description: "the platform (default: the bundle's target): aws-lambda, gcp-functions, azure-functions, cloudflare-workers, vercel" }),
  memory: Flags.integer({ description: "memory size in MB (default: the bundle's, else the platform default)" }),
  timeout: Flags.string({ description: "function timeout, e.g. 30s (default: the platform's maximum)" }),
  cpu: Flags.option({ description: 'CPU share: cgroup (real CFS quota), scale (projection), off, or auto', options: ['auto', 'cgroup', 'scale', 'off'] as const, default: 'auto' as const })(),
  'memory-limit': Flags.option({ description: 'memory limit: cgroup (kernel), watchdog (RSS sampling), or auto', options: ['auto', 'cgroup', 'watchdog'] as const, default: 'auto' as const })(),
};

export interface InstanceFlagValues {
  platform?: string;
  memory?: number;
  timeout?: string;
  cpu: 'auto' | 'cgroup' | 'scale' | 'off';
  'memory-limit': 'auto' | 'cgroup' | 'watchdog';
}

/** The engine options the instance flags stand for. */
export function instanceOptions(flags: InstanceFlagValues) {
  return {
    platform: flags.platform,
    memoryMb: flags.memory,
    timeoutMs: flags.timeout ? parseDuration(flags.timeout) : undefined,
    cpu: flags.cpu,
    memoryLimit: flags['memory-limit'],
  };
}
