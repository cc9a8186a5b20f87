/** How dlpack bundles for Google Cloud Run functions (Functions Framework, `--entry-point handler`). */
import { sibling, type BundleTarget } from '../contract.js';
import { nodePackageJson } from '../shared/deploy-files.js';

export const bundle: BundleTarget = {
  id: 'gcp-functions',
  handler: sibling(import.meta.url, 'handler'),
  entry: 'index.js',
  build: 'node-cjs',
  export: 'handler',
  calls: 'export function handler(req, res) (Functions Framework, --entry-point handler)',
  defaultRuntime: { onnx: 'onnxruntime-node', tfjs: 'tfjs-backend-wasm' },
  deploy: ({ out, node, memoryMb }) =>
    `deploy: gcloud functions deploy <name> --gen2 --runtime nodejs${node} --trigger-http --entry-point handler --memory ${memoryMb}Mi --source ${out}`,
  deployFiles: ({ entry, name }) => ({ 'package.json': nodePackageJson(entry, name) }),
  image: ({ node, platform, header, app, appLayerNote }) => {
    const baseImage = `node:${node}-slim`;
    return {
      baseImage,
      imageDir: '/app',
      dockerfile:
        `${header}# For Cloud Run: the Functions Framework serves handler(req, res) on $PORT.\n` +
        `FROM --platform=${platform} ${baseImage}\nWORKDIR /app\nCOPY ${app}/ /app/\n` +
        `RUN npm install --no-save --omit=dev @google-cloud/functions-framework@^3\nENV PORT=8080\n` +
        `CMD ["npx", "functions-framework", "--target=handler", "--signature-type=http"]\n`,
      config: { Env: ['PORT=8080'], Cmd: ['npx', 'functions-framework', '--target=handler', '--signature-type=http'], WorkingDir: '/app' },
      notes: [appLayerNote, 'the Functions Framework is installed by the Dockerfile’s RUN step (network needed at docker build); it is not in the OCI app layer'],
    };
  },
};
