/** Walking a whole listing page by page, for the rare callers that need all of it (export, reset, instance release). */
import type { Page } from './ports/store';

export async function* everything<T>(page: (offset: number, limit: number) => Promise<Page<T>>, size = 500): AsyncGenerator<T> {
  for (let offset = 0; ; offset += size) {
    const { items } = await page(offset, size);
    yield* items;
    if (items.length < size) return;
  }
}

export async function all<T>(page: (offset: number, limit: number) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of everything(page)) out.push(item);
  return out;
}
