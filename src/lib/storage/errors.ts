/* The two kinds of storage failure the delivery and the command treat differently. */
/** Configuration the user must fix, found before serving: one line, exit 2. */
export class StorageConfigError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'StorageConfigError'
  }
}

/** The backend refused this batch for what it contains: retrying it cannot succeed. */
export class PermanentSendError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PermanentSendError'
  }
}
