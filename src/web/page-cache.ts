/**
 * Rendered public pages kept while the register is unchanged. Rendering a page of fifty records costs more than
 * reading its data, and the busiest pages (an organisation, a record) are the same for every visitor: a page is
 * rendered once per register generation (any stored version or organisation change, by any process).
 * Parts that change without the register (the harvest log) are left as a slot and filled on every request.
 */
import { GenerationCache } from '../shared/generation-cache.ts';

export const HARVEST_SLOT = '<!--harvest-section-->';

export class PageCache {
  private readonly pages = new GenerationCache<string>(500);

  /**
   * The page at `key` for this generation, rendered by `render` when not kept. A page is also rendered anew each
   * day: red flags of records without a date count lateness from today.
   */
  async html(key: string, generation: string, render: () => Promise<string> | string): Promise<string> {
    const version = `${generation}|${new Date().toISOString().slice(0, 10)}`;
    const cached = this.pages.get(key, version);
    if (cached !== undefined) return cached;
    const html = await render();
    this.pages.set(key, version, html);
    return html;
  }
}
