import { describe, expect, it } from '@jest/globals';
import { VERSION } from '../src/version.js';

describe('version', () => {
  it('matches package.json', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
