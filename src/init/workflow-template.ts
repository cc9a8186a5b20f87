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

function triggers(branch: string): string {
  return `name: dlpack budgets

on:
  pull_request:
  push:
    branches: [${branch}]

permissions:
  contents: read
  pull-requests: write
`;
}

/** The baseline of the pull request's base commit, else the latest one (Actions cache). */
const RESTORE_STEP = `      - name: Restore baseline
        if: github.event_name == 'pull_request'
        uses: actions/cache/restore@v4
        with:
          path: dlpack-baseline.json
          key: dlpack-baseline-\${{ github.event.pull_request.base.sha }}
          restore-keys: dlpack-baseline-
`;

/** Posts dlpack-check.md as one PR comment, updated in place (the marker finds it again). */
const COMMENT_STEP = `      - name: Comment on the pull request
        if: always() && github.event_name == 'pull_request' && hashFiles('dlpack-check.md') != ''
        continue-on-error: true # pull requests from forks get a read-only token
        env:
          GH_TOKEN: \${{ github.token }}
        run: |
          { echo '<!-- dlpack-check -->'; cat dlpack-check.md; } > dlpack-comment.md
          gh pr comment \${{ github.event.pull_request.number }} --body-file dlpack-comment.md --edit-last ||
            gh pr comment \${{ github.event.pull_request.number }} --body-file dlpack-comment.md
`;

export function workflowYaml(o: WorkflowOptions = {}): string {
  const branch = o.branch ?? 'main';
  const node = o.nodeVersion ?? '20';
  const cfg = o.config ? ` --config ${o.config}` : '';
  return `# Written by \`dlpack init\`. Budgets live in dlpack.config.json; see \`dlpack check --help\`.
${triggers(branch)}
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
${RESTORE_STEP}      - name: Check budgets
        if: github.event_name == 'pull_request'
        run: |
          args=()
          if [ -f dlpack-baseline.json ]; then args=(--baseline dlpack-baseline.json --max-regression 10%); fi
          npx dlpack check${cfg} --format markdown --output dlpack-check.md "\${args[@]}"
${COMMENT_STEP}`;
}

/**
 * The sharded workflow (`dlpack init --shards N`): the configurations (model × platform × memory
 * size) are split over N runners of a job matrix, each running `dlpack check --shard i/N`
 * (a broken budget is judged later: only errors fail a shard) and uploading its report as an
 * artifact; a merge job downloads them, joins them with `dlpack report merge` (a missing shard
 * is listed and fails the gate), judges the whole run with `dlpack check --from`, posts one PR
 * comment and gates the pull request. A first job hands every shard the same baseline (main's
 * last merged report), because shards compare with it and balance the split on its measured
 * times: shards that planned from different files would not fit together (merge refuses them).
 */
export function shardedWorkflowYaml(o: WorkflowOptions & { shards: number }): string {
  const branch = o.branch ?? 'main';
  const node = o.nodeVersion ?? '20';
  const n = o.shards;
  const cfg = o.config ? ` --config ${o.config}` : '';
  const shards = Array.from({ length: n }, (_, i) => i + 1).join(', ');
  const setup = `      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${node}
          cache: npm
      - run: npm ci
      - name: Download baseline
        if: needs.baseline.outputs.found == 'true'
        uses: actions/download-artifact@v4
        with:
          name: dlpack-baseline`;
  return `# Written by \`dlpack init --shards ${n}\`. Budgets live in dlpack.config.json; see \`dlpack check --help\`.
# The configurations (model × platform × memory size) run on ${n} runners (\`dlpack check --shard i/${n}\`);
# the merge job joins their reports (\`dlpack report merge\`), posts one comment and gates the pull request.
${triggers(branch)}
env:
  # onnxruntime-node (an optional peer of dlpack, installed for native bundles) downloads CUDA
  # libraries at install time unless told to skip them; its CPU build ships in the package.
  ONNXRUNTIME_NODE_INSTALL: skip

jobs:
  baseline:
    # One copy of ${branch}'s last merged report for every shard: they compare with it and balance
    # the split on its measured times, so they must all read the same file.
    runs-on: ubuntu-latest
    timeout-minutes: 5
    outputs:
      found: \${{ steps.restore.outputs.cache-matched-key != '' }}
    steps:
${RESTORE_STEP}        id: restore
      - name: Hand it to the shards
        if: steps.restore.outputs.cache-matched-key != ''
        uses: actions/upload-artifact@v4
        with:
          name: dlpack-baseline
          path: dlpack-baseline.json
          retention-days: 1

  shard:
    needs: baseline
    runs-on: ubuntu-latest
    timeout-minutes: 30
    strategy:
      fail-fast: false
      matrix:
        shard: [${shards}]
    steps:
${setup}
      - name: Check shard \${{ matrix.shard }} of ${n}
        run: |
          args=()
          if [ -f dlpack-baseline.json ]; then args=(--baseline dlpack-baseline.json --max-regression 10%); fi
          # exit 1 (a budget broken) is judged by the merge job; any other failure fails this shard
          npx dlpack check${cfg} --shard "\${{ matrix.shard }}/${n}" --format json --output "dlpack-shard-\${{ matrix.shard }}.json" "\${args[@]}" || [ $? -eq 1 ]
      - name: Upload shard report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: dlpack-shard-\${{ matrix.shard }}
          path: dlpack-shard-\${{ matrix.shard }}.json
          if-no-files-found: ignore
          retention-days: 7

  merge:
    needs: [baseline, shard]
    # also when a shard failed: its configurations are then reported missing, and the gate fails
    if: \${{ !cancelled() }}
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
${setup}
      - name: Download shard reports
        uses: actions/download-artifact@v4
        with:
          pattern: dlpack-shard-*
          path: dlpack-shards
          merge-multiple: true
      - name: Merge shard reports
        # a missing shard is listed in the report (its budgets "missing"), so the check below fails
        run: npx dlpack report merge dlpack-shards/*.json --output dlpack-check.json --allow-partial
      - name: Save baseline
        if: github.event_name == 'push'
        run: cp dlpack-check.json dlpack-baseline.json
      - name: Cache baseline
        if: github.event_name == 'push'
        uses: actions/cache/save@v4
        with:
          path: dlpack-baseline.json
          key: dlpack-baseline-\${{ github.sha }}
      - name: Check budgets
        run: |
          args=()
          if [ "\${{ github.event_name }}" = pull_request ] && [ -f dlpack-baseline.json ]; then args=(--baseline dlpack-baseline.json --max-regression 10%); fi
          npx dlpack check${cfg} --from dlpack-check.json --format markdown --output dlpack-check.md "\${args[@]}"
${COMMENT_STEP}`;
}
