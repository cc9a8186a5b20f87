/** Deploy files several platforms share. */

/** A package.json that makes the entry CommonJS wherever the folder is unpacked. */
export const nodePackageJson = (entry: string, name: string): string =>
  JSON.stringify({ name, private: true, type: 'commonjs', main: entry }, null, 2) + '\n';
