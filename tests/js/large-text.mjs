// 大字版 (large text, high contrast) on one page of each kind: the header's switch turns it on
// and every later page opens in it; then body text is at least 20px with line height at least
// 1.5, axe finds no violation even with the 7:1 contrast rule (WCAG 1.4.6), the controls people
// press are at least 44px, the page shows the same text as before, and it reflows at 320px and
// at 640px (1280px at 200% zoom) without scrolling sideways. Without JavaScript the switch is
// not shown (it could do nothing) and `prefers-contrast: more` gets the high-contrast colours.
// Usage: node tests/js/large-text.mjs <built site folder>

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { main, openBrowser, check } from './lib/harness.mjs';
import { samplePages } from './lib/pages.mjs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const shots = process.env.SCREENSHOT_DIR || path.resolve('target/browser-screenshots');

/** axe at WCAG 2.1 AA plus the enhanced (7:1) contrast rule; returns violation lines. */
async function axeProblems(page, where) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, {
      runOnly: { type: 'tag', values: [...tags, 'wcag2aaa'] },
      resultTypes: ['violations'],
    }),
    TAGS,
  );
  return result.violations.map((x) => `${where}: ${x.id} ${x.help}\n    ${x.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n    ')}`);
}

/** Visible elements holding text whose type is smaller than `min` px, and a too-tight body. */
const smallText = (min) => {
  const out = [];
  const body = getComputedStyle(document.body);
  const ratio = parseFloat(body.lineHeight) / parseFloat(body.fontSize);
  if (!(ratio >= 1.5)) out.push(`body line height ${body.lineHeight} for ${body.fontSize} (${ratio.toFixed(2)})`);
  for (const e of document.querySelectorAll('body *')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !e.getClientRects().length || e.closest('.visually-hidden,.skip-link')) continue;
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (size < min) out.push(`${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 20)}" ${size}px`);
  }
  return out.slice(0, 8);
};

/** Controls a person presses, not links inside a sentence, must be at least 44×44px. */
const smallTargets = (min) =>
  [...document.querySelectorAll('button, input, summary, .main-nav a, .pager a, .facets a, .cards a, .site-title')]
    .filter((e) => e.getClientRects().length)
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([, r]) => r.height < min - 0.5 || r.width < min - 0.5)
    .slice(0, 8)
    .map(([e, r]) => `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent || e.value || '').trim().slice(0, 15)}" ${Math.round(r.width)}×${Math.round(r.height)}`);

/** Dates and identifiers broken across lines ("2025-06-" / "09"). */
const brokenTokens = () =>
  [...document.querySelectorAll('main time, main code.id, main th.identifier a')]
    .filter((e) => e.getClientRects().length > 1)
    .slice(0, 5)
    .map((e) => `"${e.textContent}" on ${e.getClientRects().length} lines`);

const mainText = () => document.querySelector('main').innerText.replace(/\s+/g, ' ').trim();

await main(async ({ root, origin, log }) => {
  fs.mkdirSync(shots, { recursive: true });
  const problems = [];
  const context = await openBrowser(log);
  try {
    const page = await context.newPage();
    const pages = await samplePages(page, origin, root);
    // Turn it on once, on the home page, the way a person does.
    await page.goto(`${origin}/`);
    const button = page.locator('#mode-switch');
    check(await button.isVisible(), 'the 大字版 switch is not visible with JavaScript on');
    const before = { size: await page.evaluate(() => getComputedStyle(document.body).fontSize) };
    await button.click();
    check(await page.evaluate(() => document.documentElement.classList.contains('large')), 'the switch did not turn 大字版 on');
    check((await button.getAttribute('aria-pressed')) === 'true', 'the switch does not say it is pressed');
    console.log(`ok: switch pressed on /, body text ${before.size} -> ${await page.evaluate(() => getComputedStyle(document.body).fontSize)}`);

    for (const p of pages) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${origin}${p.path}`);
      if (p.waitFor) await page.waitForSelector(p.waitFor);
      const on = await page.evaluate(() => document.documentElement.classList.contains('large'));
      check(on, `${p.path}: 大字版 did not persist from the previous page`);
      problems.push(...(await page.evaluate(smallText, 20)).map((x) => `${p.path}: text under 20px: ${x}`));
      problems.push(...(await page.evaluate(smallTargets, 44)).map((x) => `${p.path}: target under 44px: ${x}`));
      problems.push(...(await axeProblems(page, `${p.path} (大字版)`)));
      problems.push(...(await page.evaluate(brokenTokens)).map((x) => `${p.path}: 大字版 at 1280px breaks ${x}`));
      const large = await page.evaluate(mainText);
      await page.screenshot({ path: path.join(shots, `large-${p.name}.png`) });
      for (const width of [320, 640]) {
        await page.setViewportSize({ width, height: 800 });
        const scroll = await page.evaluate(() => document.scrollingElement.scrollWidth);
        if (scroll > width) problems.push(`${p.path}: 大字版 at ${width}px scrolls sideways (${scroll}px)`);
      }
      await page.screenshot({ path: path.join(shots, `large-640-${p.name}.png`) });
      // The same text in the standard view: nothing is hidden by the large one.
      await page.evaluate(() => document.documentElement.classList.remove('large'));
      const standard = await page.evaluate(mainText);
      await page.setViewportSize({ width: 1280, height: 900 });
      problems.push(...(await page.evaluate(brokenTokens)).map((x) => `${p.path}: at 1280px breaks ${x}`));
      if (p.name !== 'search' && standard !== large) problems.push(`${p.path}: 大字版 shows different text from the standard view`);
      console.log(`大字版 ${p.name.padEnd(8)} ${p.path}: checked`);
    }
  } finally {
    await context.close();
  }

  // Without JavaScript: no dead switch; the system's high-contrast preference is honoured.
  const nojs = await openBrowser(log, { javaScriptEnabled: false, contrast: 'more' });
  try {
    const page = await nojs.newPage();
    await page.goto(`${origin}/`);
    check(!(await page.locator('#mode-switch').isVisible()), 'without JavaScript the 大字版 switch is shown but cannot work');
    const accent = await page.evaluate(() => getComputedStyle(document.querySelector('main a')).color);
    check(accent === 'rgb(0, 55, 107)', `prefers-contrast: more does not darken links (${accent})`);
    console.log('ok: without JavaScript, no switch; prefers-contrast: more gets the high-contrast colours');
  } finally {
    await nojs.close();
  }
  check(problems.length === 0, `大字版:\n  ${problems.join('\n  ')}`);
});
