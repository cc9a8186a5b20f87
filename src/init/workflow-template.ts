/**
 * The GitHub Actions workflow `dlpack init` writes (.github/workflows/dlpack.yml): on pushes to the
 * main branch it records a baseline check report (kept in the Actions cache); on pull requests it
 * checks the budgets against that baseline, writes the Markdown to the step summary and posts it as
 * a PR comment (updated in place), and fails the job when a budget is broken.
 */

export interface WorkflowOptions {
  /** Branch whose check reports are the baseline. */
  branch?: string;
  nodeVersion?: string;
  /** Config file, when not ./dlpack.config.json. */
  config?: string;
}

export function workflowYaml(o: WorkflowOptions = {}): string {
  const branch = o.branch ?? 'main';
  const node = o.nodeVersion ?? '20';
  const cfg = o.config ? ` --config ${o.config}` : '';
  return `# Written by \`dlpack init\`. Budgets live in dlpack.config.json; see \`dlpack check --help\`.
name: dlpack budgets

on:
  pull_request:
  push:
    branches: [${branch}]

permissions:
  contents: read
  pull-requests: write

jobs:
  budgets:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    env:
      # onnxruntime-node (an optional peer of dlpack, installed for native bundles) downloads CUDA
      # libraries at install time unless told to skip them; its CPU build ships in the package.
      ONNXRUNTIME_NODE_INSTALL: skip
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${node}
          cache: npm
      - run: npm ci

      # ${branch}: record the baseline that pull requests are compared with.
      - name: Record baseline
        if: github.event_name == 'push'
        run: npx dlpack check${cfg} --format json --output dlpack-baseline.json
      - name: Save baseline
        if: always() && github.event_name == 'push' && hashFiles('dlpack-baseline.json') != ''
        uses: actions/cache/save@v4
        with:
          path: dlpack-baseline.json
          key: dlpack-baseline-\${{ github.sha }}

      # Pull requests: check budgets and regressions against the latest baseline from ${branch}.
      - name: Restore baseline
        if: github.event_name == 'pull_request'
        uses: actions/cache/restore@v4
        with:
          path: dlpack-baseline.json
          key: dlpack-baseline-\${{ github.event.pull_request.base.sha }}
          restore-keys: dlpack-baseline-
      - name: Check budgets
        if: github.event_name == 'pull_request'
        run: |
          baseline=""
          if [ -f dlpack-baseline.json ]; then baseline="--baseline dlpack-baseline.json --max-regression 10%"; fi
          npx dlpack check${cfg} --format markdown --output dlpack-check.md $baseline
      - name: Comment on the pull request
        if: always() && github.event_name == 'pull_request' && hashFiles('dlpack-check.md') != ''
        continue-on-error: true # pull requests from forks get a read-only token
        env:
          GH_TOKEN: \${{ github.token }}
        run: |
          { echo '<!-- dlpack-check -->'; cat dlpack-check.md; } > dlpack-comment.md
          gh pr comment \${{ github.event.pull_request.number }} --body-file dlpack-comment.md --edit-last ||
            gh pr comment \${{ github.event.pull_request.number }} --body-file dlpack-comment.md
`;
}
