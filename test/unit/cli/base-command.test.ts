// What every command does with an error: one line on stderr, naming the flag when oclif wrapped it.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {firstLine} from '../../../src/lib/cli/index.js'

test("oclif's wrapped flag errors become one line naming the flag", () => {
  assert.equal(
    firstLine('Parsing --interval \n\tinvalid duration "x": unexpected "x"\nSee more help with --help'),
    '--interval: invalid duration "x": unexpected "x"',
  )
  assert.equal(firstLine('\nNonexistent flag: --nope\nSee more help with --help'), 'Nonexistent flag: --nope')
  assert.equal(
    firstLine(
      'The following error occurred:\n  \u001b[2m--a=true cannot also be provided when using --b\u001b[22m\nSee more help with --help',
    ),
    '--a=true cannot also be provided when using --b',
  )
})
