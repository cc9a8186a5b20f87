export const handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs ?? 100));
  return { ok: true };
};
