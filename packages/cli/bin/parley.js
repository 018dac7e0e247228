#!/usr/bin/env node
// The CLI is TypeScript run without a build step: register tsx's loader in
// this process, then load the real entry point.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
