/** Help text naming the platforms, from the one list (src/platforms/list.ts). */
import { PLATFORM_IDS } from '../platforms/index.js';

/** `<what>: aws-lambda, gcp-functions, …` — the ids in the list's order. */
export const platformsHelp = (what: string): string => `${what}: ${PLATFORM_IDS.join(', ')}`;
