/** How dlpack bundles for AWS Lambda (Node.js managed runtime, handler setting `index.handler`). */
import { sibling, type BundleTarget } from '../contract.js';
import { nodePackageJson } from '../shared/deploy-files.js';

export const bundle: BundleTarget = {
  id: 'aws-lambda',
  handler: sibling(import.meta.url, 'handler'),
  entry: 'index.js',
  build: 'node-cjs',
  export: 'handler',
  calls: 'export const handler = async (event, context)',
  defaultRuntime: { onnx: 'onnxruntime-node', tfjs: 'tfjs-backend-wasm' },
  deploy: ({ zip, node, memoryMb, arch }) =>
    `deploy: aws lambda create-function --runtime nodejs${node}.x --handler index.handler --architectures ${arch === 'x64' ? 'x86_64' : 'arm64'} --memory-size ${memoryMb} --zip-file fileb://${zip ?? '<zip>'} --role <role-arn> --function-name <name>`,
  deployFiles: ({ entry, name }) => ({ 'package.json': nodePackageJson(entry, name) }),
  image: ({ node, platform, header, app, exportName, appLayerNote }) => {
    const baseImage = `public.ecr.aws/lambda/nodejs:${node}`;
    return {
      baseImage,
      imageDir: '/var/task',
      dockerfile: `${header}FROM --platform=${platform} ${baseImage}\nCOPY ${app}/ \${LAMBDA_TASK_ROOT}/\nCMD ["index.${exportName}"]\n`,
      config: { Env: ['LAMBDA_TASK_ROOT=/var/task'], Entrypoint: ['/lambda-entrypoint.sh'], Cmd: [`index.${exportName}`], WorkingDir: '/var/task' },
      notes: [appLayerNote],
    };
  },
};
