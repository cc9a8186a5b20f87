/** How dlpack bundles for Azure Functions (Node.js v4 programming model, HTTP trigger). */
import { sibling, type BundleTarget } from '../contract.js';
import { nodePackageJson } from '../shared/deploy-files.js';

export const bundle: BundleTarget = {
  id: 'azure-functions',
  handler: sibling(import.meta.url, 'handler'),
  entry: 'index.js',
  build: 'node-cjs',
  export: 'handler',
  calls: "app.http('predict', …) registration and export function handler(request, context)",
  defaultRuntime: { onnx: 'onnxruntime-node', tfjs: 'tfjs-backend-wasm' },
  deploy: ({ zip }) => `deploy: az functionapp deployment source config-zip -g <group> -n <app> --src ${zip ?? '<zip>'} (Linux plan)`,
  deployFiles: ({ entry, name }) => ({
    'package.json': nodePackageJson(entry, name),
    'host.json':
      JSON.stringify(
        {
          version: '2.0',
          extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
        },
        null,
        2,
      ) + '\n',
  }),
  image: ({ node, platform, header, app, appLayerNote }) => {
    const baseImage = `mcr.microsoft.com/azure-functions/node:4-node${node}`;
    return {
      baseImage,
      imageDir: '/home/site/wwwroot',
      dockerfile:
        `${header}FROM --platform=${platform} ${baseImage}\n` +
        `ENV AzureWebJobsScriptRoot=/home/site/wwwroot AzureFunctionsJobHost__Logging__Console__IsEnabled=true\n` +
        `COPY ${app}/ /home/site/wwwroot/\n`,
      config: {
        Env: ['AzureWebJobsScriptRoot=/home/site/wwwroot', 'AzureFunctionsJobHost__Logging__Console__IsEnabled=true'],
        Cmd: [],
        WorkingDir: '/home/site/wwwroot',
      },
      notes: [appLayerNote],
    };
  },
};
