// Prints the Lighthouse mobile scores of the sample pages as a table, with the audits that lost
// points. Usage: node tests/js/lighthouse-report.mjs <built site folder>

import { main } from './lib/harness.mjs';
import { lighthouseScores, table } from './lib/lighthouse.mjs';

await main(async ({ root, origin, log }) => {
  const rows = await lighthouseScores(root, origin, log);
  console.log(table(rows));
  for (const r of rows) if (r.failing.length) console.log(`${r.name}: ${r.failing.join(', ')}`);
});
