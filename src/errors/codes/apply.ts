// Problem codes of the apply area. See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const applyCodes: Record<string, CatalogEntry> = {
};
