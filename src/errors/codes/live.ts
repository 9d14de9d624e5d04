// Problem codes of the live area. See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const liveCodes: Record<string, CatalogEntry> = {
};
