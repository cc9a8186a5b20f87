throw new Error('broken at load on purpose');
export const handler = async () => ({ ok: true });
