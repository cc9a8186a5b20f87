/** Cloud Run functions: the Functions Framework's HTTP function `handler(req, res)` (shared Node req/res convention). */
export { gcpFunctionsConvention as convention } from '../shared/node-http-convention.js';
