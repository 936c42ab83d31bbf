// A piscina worker for the worker pools' tests: a task marked `hang` loops for ever (a
// worker caught in a loop), one marked `exit` ends the thread, the others are answered.
export default function run(task) {
  if (task.hang) for (;;);
  if (task.exit) process.exit(3);
  return { json: new Uint8Array([123, 125]), computed: [], echoed: task.kind ?? 'range' };
}
