// Writes docs/checks.md from the check catalogue (run by `npm run schemas` after the build).
import { writeFileSync } from 'node:fs';
import { catalogueDoc } from '../dist/checks/docs.js';

writeFileSync(new URL('../docs/checks.md', import.meta.url), catalogueDoc());
