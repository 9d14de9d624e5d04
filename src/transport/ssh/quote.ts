// argv → one command line for the remote POSIX shell. sshd always hands the command to the login
// user's shell (`$SHELL -c`), so each element is quoted: single quotes keep every byte literal,
// and a single quote itself becomes '\'' (close, escaped quote, reopen). Assumes a POSIX shell
// (sh, bash, dash, zsh); csh/fish login shells are not supported.

/** Characters that never need quoting (as in Python's shlex.quote). */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(arg: string, always = false): string {
  if (arg.includes('\0')) throw new Error('an argument cannot contain a NUL byte');
  if (!always && SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  // The command word is always quoted: unquoted, `if` would be a keyword and `A=b` an assignment.
  return argv.map((a, i) => quoteArg(a, i === 0)).join(' ');
}

/** The command line sent over SSH: quoted argv, prefixed with `sudo -n --` when asked. */
export function remoteCommand(argv: readonly string[], sudo: boolean): string {
  return quoteArgv(sudo ? ['sudo', '-n', '--', ...argv] : argv);
}
