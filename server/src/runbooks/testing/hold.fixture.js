// A step that is still running when the durability test kills the server: it says it
// started (argv[2] is a file to create), then waits until its parent, the server, is gone.
import fs from 'node:fs';

fs.writeFileSync(process.argv[2], String(process.pid));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 100);
