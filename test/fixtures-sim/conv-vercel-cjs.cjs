// A CommonJS Vercel function that tells how it was loaded: @vercel/node's dev server import()s the
// entry whatever its format (Node's ESM loader translators show in the stack), or require().
const loadedBy = /esm\/translators|ModuleJob/.test(new Error().stack) ? 'import' : 'require';
module.exports = (req, res) => res.status(200).json({ doubled: req.body.x * 2, loadedBy });
