export async function handler(req, res) {
  Promise.reject(new Error('rejected on purpose'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  res.status(200).json({ ok: true });
}
