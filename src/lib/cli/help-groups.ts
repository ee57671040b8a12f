/*
 * Flag groups (oclif helpGroup) that several commands share. They are documented once, in
 * cadv(1), and each command's --help lists the brief ones by name only. No oclif import: the
 * man page builder reads this too. A group not listed here is a command's own, shown in full.
 */

/**
 * Shown in a command's --help as names only; `cadv help <group>` prints them in full. The
 * heading is `<title> (<about>; cadv help <group>)`: short enough for 80 columns.
 */
export const BRIEF_GROUPS: Record<string, {title: string; about: string}> = {
  RUNTIME: {title: 'RUNTIME FLAGS', about: 'how runtimes are asked about a cgroup'},
  // serve's alone, but 17 flags about backends most users never configure.
  STORAGE: {title: 'STORAGE FLAGS', about: 'backends every sample is pushed to'},
}

/** Documented in cadv(1) rather than in each command's page. */
export const SHARED_GROUPS = ['GLOBAL', 'RUNTIME'] as const
