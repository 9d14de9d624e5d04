// Problem codes of the inventory area. See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const inventoryCodes: Record<string, CatalogEntry> = {
};
