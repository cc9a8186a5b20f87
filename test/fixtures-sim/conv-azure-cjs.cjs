// A CommonJS Azure Functions handler that tells how it was loaded: require() (as the Node worker's
// loadScriptFile does), or import() through Node's ESM loader (its translators show in the stack).
const loadedBy = /esm\/translators|ModuleJob/.test(new Error().stack) ? 'import' : 'require';
module.exports.handler = async (request) => ({ status: 200, jsonBody: { doubled: (await request.json()).x * 2, loadedBy } });
