/**
 * The built-in platforms, in the order flags, help, the config schema and `dlpack platforms` list
 * them; the first is the default target. Adding a platform: its folder plus one import and one entry.
 */
import awsLambda from './aws-lambda/index.js';
import gcpFunctions from './gcp-functions/index.js';
import azureFunctions from './azure-functions/index.js';
import cloudflareWorkers from './cloudflare-workers/index.js';
import vercel from './vercel/index.js';

export const PLATFORMS = [awsLambda, gcpFunctions, azureFunctions, cloudflareWorkers, vercel] as const;
