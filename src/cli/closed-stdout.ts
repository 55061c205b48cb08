// `drop-inspector scan --json | head` closes stdout before the document ends: the reader has
// what it wanted, so the CLI stops quietly (with the exit status set so far, else 0) instead
// of dying of an unhandled EPIPE with a stack trace on stderr. Any other failure to write the
// output (a full disk, a file the redirection cannot grow) is the command failing: one line
// naming it, and exit status 2, as for any other error.
export function quietWhenStdoutCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    process.stderr.write(`drop-inspector: cannot write the output: ${e.message}\n`);
    process.exit(2);
  });
}
