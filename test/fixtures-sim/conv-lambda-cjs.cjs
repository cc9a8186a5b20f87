// A CommonJS Lambda handler that tells how it was loaded: require() (as aws-lambda-ric 3 does), or
// import() through Node's ESM loader (its translators show in the stack).
const loadedBy = /esm\/translators|ModuleJob/.test(new Error().stack) ? 'import' : 'require';
module.exports.handler = async (event) => ({ doubled: event.x * 2, loadedBy });
