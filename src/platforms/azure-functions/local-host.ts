/** Azure Functions has no local runtime installable from the npm registry alone: it stays emulated. */
import type { LocalHostRecipe } from '../shared/local-host.js';

export const localHost: LocalHostRecipe = {
  kind: 'none',
  reason: 'Azure Functions Core Tools cannot be installed from the npm registry alone (they download the host): Azure stays emulated',
};
