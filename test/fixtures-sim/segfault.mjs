export const handler = async () => {
  process.kill(process.pid, 'SIGSEGV');
  await new Promise((resolve) => setTimeout(resolve, 1000));
};
