export function handler(req, res) {
  res.status(200).json({ doubled: req.body.x * 2, method: req.method, target: process.env.FUNCTION_TARGET });
}
