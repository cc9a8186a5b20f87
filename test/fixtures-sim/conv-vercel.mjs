export default async function (req, res) {
  res.setHeader('content-type', 'application/json');
  res.status(201).send({ doubled: req.body.x * 2, vercel: process.env.VERCEL });
}
