// A CommonJS Cloud Run function that tells how it was loaded: require() (as the Functions
// Framework does), or import() through Node's ESM loader (its translators show in the stack).
const loadedBy = /esm\/translators|ModuleJob/.test(new Error().stack) ? 'import' : 'require';
module.exports.handler = (req, res) => res.status(200).json({ doubled: req.body.x * 2, loadedBy });
