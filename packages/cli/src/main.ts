import { CommanderError } from 'commander';
import { EXIT, describeFailure } from './errors.js';
import { buildProgram } from './program.js';

// `parley … | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
  throw err;
});

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed the message (or the help); only the exit code is left.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const options = program.opts<{ endpoint?: string; json?: boolean }>();
    const failure = describeFailure(err, options.endpoint);
    process.stderr.write(
      options.json
        ? `${JSON.stringify({ error: failure.details })}\n`
        : `parley: error: ${failure.message}\n`,
    );
    process.exitCode = failure.exitCode;
  }
}
