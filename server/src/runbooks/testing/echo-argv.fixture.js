// Prints its arguments and environment as one JSON line, for the argv-safety tests:
// each runbook template value must arrive as exactly one literal argument.
process.stdout.write(`${JSON.stringify({ argv: process.argv.slice(2), env: Object.keys(process.env).sort() })}\n`);
