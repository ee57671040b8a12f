#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build); for development only.
import {settings} from '@oclif/core'

import {main} from '../src/lib/cli/main.ts'

settings.debug = true
await main('cadv', process.argv.slice(2), import.meta.url)
