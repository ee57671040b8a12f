/*
 * The web UI of `cadv serve`: pages on cAdvisor's paths, drawn in the browser from the JSON API
 * by the bundle built from web/ (no file from anywhere else, no network).
 */
export {webUiRoutes, ALIAS_RUNTIMES, type WebUiOptions} from './routes.js'
export {CONTENT_SECURITY_POLICY, setUiHeaders} from './headers.js'
export {DEFAULT_ASSETS_DIR, loadAssets, REQUIRED_ASSETS, type Assets} from './assets.js'
export {encodeName, nameOf, toRoot} from './paths.js'
