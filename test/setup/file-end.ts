// Registered before each test file's own hooks, so it runs after them: whatever a failed test
// left running or on disk (test/helpers/cleanup.ts) goes here.
import { afterAll } from 'vitest';
import { runFileEndCleanups } from '../helpers/cleanup.js';

afterAll(runFileEndCleanups);
