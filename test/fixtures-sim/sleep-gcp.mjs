// Functions Framework HTTP handler that waits `req.body.sleepMs` (I/O-like, no CPU), for the
// concurrency test: several requests can be in flight on one instance.
export async function handler(req, res) {
  await new Promise((resolve) => setTimeout(resolve, req.body?.sleepMs ?? 100));
  res.status(200).json({ ok: true });
}
