/** The calling convention per target. */
import type { PlatformId } from '../../core/platform-facts.js';
import type { Convention } from './convention.js';
import { awsLambdaConvention } from './aws-lambda.js';
import { gcpFunctionsConvention, vercelConvention } from './node-http.js';
import { azureFunctionsConvention } from './azure-functions.js';
import { cloudflareWorkersConvention } from './cloudflare-workers.js';

export const CONVENTIONS: Record<PlatformId, Convention> = {
  'aws-lambda': awsLambdaConvention,
  'gcp-functions': gcpFunctionsConvention,
  'azure-functions': azureFunctionsConvention,
  'cloudflare-workers': cloudflareWorkersConvention,
  vercel: vercelConvention,
};
export type { Convention, InvokeOutcome, InvokeContext, Invoker } from './convention.js';
