/**
 * What a platform's handler template may use, reached as the virtual module `dlpack:handler`
 * (esbuild-plugins.ts resolves it here; virtual-modules.d.ts declares it for tsc). Templates live
 * in src/platforms/<id>/handler.ts and import nothing else of dlpack.
 */
export { predict, preload, config, type PredictResult } from './predict.js';
export { base64DecodedLength } from './tensor-request.js';
export { encodingHeader, methodNotAllowed, requestBody, sendJson, type NodeRequest } from './node-http.js';
export { ENCODING_HEADER } from '../../core/tensor/wire-encoding.js';
