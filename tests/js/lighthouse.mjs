// Lighthouse mobile scores per sample page; fails when any category is below 90 (the target is 95).
// Usage: node tests/js/lighthouse.mjs <built site folder>

import { main, check } from './lib/harness.mjs';
import { lighthouseScores, table, CATEGORIES } from './lib/lighthouse.mjs';

const FLOOR = 90;

await main(async ({ root, origin, log }) => {
  const rows = await lighthouseScores(root, origin, log);
  console.log(table(rows));
  const low = rows.flatMap((r) =>
    CATEGORIES.filter((c) => r.scores[c] < FLOOR).map((c) => `${r.path} ${c} ${r.scores[c]}; audits below 0.9: ${r.failing.join(', ')}`),
  );
  check(low.length === 0, `Lighthouse scores below ${FLOOR}:\n  ${low.join('\n  ')}`);
});
