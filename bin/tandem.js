#!/usr/bin/env node
// The `tandem` command. TypeScript runs through tsx (no separate build step for the server).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
