import * as Flags from '@oclif/core/flags'

/** `cadv serve`'s web UI flags; app/serve-web-ui.ts turns them into the endpoint's options. */
export const webUiFlags = {
  'disable-web-ui': Flags.boolean({
    description: 'Serve no web UI: / stays a page of links and /containers/, /docker/, /podman/ and /static/ answer 404.',
  }),
}
