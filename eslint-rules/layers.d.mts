// Types of layers.mjs, so that the architecture test (TypeScript) reads the very table the lint
// rule reads.
import type {Rule} from 'eslint'

export declare const LAYERS: Readonly<Record<string, readonly string[]>>
export declare const DEEP_IMPORTS: Readonly<Record<string, readonly string[]>>
export declare function layerOf(srcRelative: string): string | undefined
export declare function layerViolation(from: string, to: string): string | undefined
export declare function resolveSpecifier(srcRoot: string, file: string, specifier: string): string
export declare const layersRule: Rule.RuleModule
