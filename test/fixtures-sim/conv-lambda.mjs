export const handler = async (event, context) => ({
  doubled: event.x * 2,
  memory: context.memoryLimitInMB,
  envMemory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  maxOldSpace: process.execArgv.find((a) => a.startsWith('--max-old-space-size')),
});
