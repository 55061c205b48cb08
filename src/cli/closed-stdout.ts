// `drop-inspector scan --json | head` closes stdout before the document ends: the reader has
// what it wanted, so the CLI stops quietly (with the exit status set so far, else 0) instead
// of dying of an unhandled EPIPE with a stack trace on stderr.
export function quietWhenStdoutCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}
