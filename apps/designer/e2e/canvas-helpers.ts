// Mouse work on the editor's React Flow canvas, shared by the browser tests that build flows by hand.
import type { Locator, Page } from 'playwright-core';

/** A node on the canvas, by id. */
export const nodeBox = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

/** A node's input or output handle for a port. */
export const handle = (page: Page, nodeId: string, side: 'in' | 'out', port: string) =>
  page.getByTestId(`handle-${nodeId}-${side}-${port}`);

/** A real mouse drag from one element's centre to another's, in steps (React Flow connects on it). */
export async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  const [x, y] = [a.x + a.width / 2, a.y + a.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 15, y + 5, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Waits until the canvas stops moving (fit view animates): a drag must start on a still handle. */
export async function settled(page: Page): Promise<void> {
  const transform = () =>
    page
      .locator('.react-flow__viewport')
      .first()
      .evaluate((el) => (el as { style: { transform: string } }).style.transform);
  let before = '';
  for (let i = 0; i < 50; i++) {
    const now = await transform();
    if (now === before) return;
    before = now;
    await page.waitForTimeout(100);
  }
}
