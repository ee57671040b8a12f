export {classify, fileLines, lines, type InputItem} from './input.js'
export {decisionPasses, resolveInOrder, type Outcome} from './run.js'
export {runResolve, type ResolveOutcome, type ResolveRun} from './main.js'
