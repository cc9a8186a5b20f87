// A rejection nobody handles, while the invocation is still running.
export const handler = async () => {
  Promise.reject(new Error('rejected on purpose'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { ok: true };
};
