/** AWS Lambda (Node.js managed runtime, zip package). Research: ../shared/platforms.md. */
import type { PlatformProfile } from '../../core/platform-facts.js';

const MEMORY = 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html';
const LIMITS = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const PRICING = 'https://aws.amazon.com/lambda/pricing/';
const INVOKE = 'https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html';

export const awsLambda: PlatformProfile = {
  id: 'aws-lambda',
  name: 'AWS Lambda',
  memory: {
    minMb: { value: 128, source: MEMORY },
    maxMb: { value: 10_240, source: MEMORY },
    stepMb: { value: 1, source: MEMORY },
    defaultMb: { value: 128, source: MEMORY },
    sweepMb: {
      value: [128, 256, 512, 1024, 1769, 3008],
      source: 'https://github.com/alexcasalboni/aws-lambda-power-tuning (default powerValues) plus 1,769 MB, one full vCPU (' + MEMORY + ')',
    },
  },
  vcpu: {
    kind: 'linear',
    mbPerVcpu: { value: 1_769, source: MEMORY },
    maxVcpu: {
      value: 6,
      source: 'https://aws.amazon.com/about-aws/whats-new/2020/12/aws-lambda-supports-10gb-memory-6-vcpu-cores-lambda-functions/',
    },
  },
  package: {
    zippedBytes: { value: 50 * 1024 * 1024, source: LIMITS },
    unzippedBytes: { value: 250 * 1024 * 1024, source: LIMITS },
    imageBytes: { value: 10 * 1024 * 1024 * 1024, source: LIMITS },
  },
  timeoutMs: { value: 900_000, source: LIMITS },
  initTimeoutMs: { value: 10_000, source: LIMITS },
  payload: {
    requestBytes: { value: 6 * 1024 * 1024, source: INVOKE },
    responseBytes: { value: 6 * 1024 * 1024, source: INVOKE },
    requestTooLarge: {
      value: { status: 413, errorType: 'RequestEntityTooLargeException', message: 'Request must be smaller than {limit} bytes for the InvokeFunction operation' },
      source: INVOKE,
      verify: 'API_Invoke lists RequestTooLargeException (413); the message is the one the service returns for a synchronous invoke (checked 2026-11-28)',
    },
    responseTooLarge: {
      value: { status: 502, errorType: 'Function.ResponseSizeTooLarge', message: 'Response payload size ({size} bytes) exceeded maximum allowed payload size ({limit} bytes).' },
      source: INVOKE,
      verify: 'the invocation fails with FunctionError Unhandled and this error type; API Gateway and Function URLs answer 502 (checked 2026-11-28)',
    },
  },
  billing: {
    granularityMs: { value: 1, source: PRICING, verify: 'seen in secondary sources only (checked 2026-11-28)' },
    pricePerGbSecond: {
      x64: { value: 0.0000166667, source: PRICING, verify: 'us-east-1, first pricing tier (checked 2026-11-28)' },
      arm64: { value: 0.0000133334, source: PRICING, verify: 'us-east-1, first pricing tier (checked 2026-11-28)' },
    },
    pricePerMillionRequests: { value: 0.2, source: PRICING },
    initBilled: {
      value: true,
      source: 'https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/',
    },
  },
  runtime: {
    node: {
      value: '22',
      source: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html',
      verify: 'nodejs22.x assumed as the default choice; nodejs20.x and newer are also offered (checked 2026-11-28)',
    },
    nativeAddons: { value: true, source: 'https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html' },
    maxConcurrency: {
      value: 1,
      source: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html',
    },
  },
  launch: {
    memoryEnv: 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
    source:
      'https://github.com/aws/aws-lambda-base-images (nodejs images, /var/runtime/bootstrap); https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime',
    verify: 'heap sizing from the published base image bootstrap: new space = memory/10, semi space = new/2, old space = memory - new (checked 2026-11-28)',
    nodeFlags(memoryMb) {
      const newSpace = Math.floor(memoryMb / 10);
      return [
        '--expose-gc',
        '--max-http-header-size=81920',
        `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
        `--max-old-space-size=${memoryMb - newSpace}`,
      ];
    },
    env(memoryMb, functionName) {
      return {
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/28/[$LATEST]dlpack',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        // the Runtime API's address as Lambda sets it (the RIC's native client reads it when it loads)
        AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        TZ: ':UTC',
        LANG: 'en_US.UTF-8',
        NODE_ENV: 'production',
      };
    },
  },
};
