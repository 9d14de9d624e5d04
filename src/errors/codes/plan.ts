// Problem codes of the plan area. See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const planCodes: Record<string, CatalogEntry> = {
};
