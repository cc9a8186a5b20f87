// Answers `bytes` bytes of JSON (event.bytes; HTTP targets: the request body's "bytes").
export const handler = async (event) => ({ pad: 'x'.repeat(event.bytes ?? 7 * 1024 * 1024) });
export default function (req, res) {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pad: 'x'.repeat(req.body?.bytes ?? 5 * 1024 * 1024) }));
}
