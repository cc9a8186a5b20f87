/** Vercel: `export default function handler(req, res)` with Vercel's request helpers (shared Node req/res convention). */
export { vercelConvention as convention } from '../shared/node-http-convention.js';
