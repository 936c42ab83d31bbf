// A step with a family: it says hello on stdout, starts a child of its own (in its process
// group, as a script's commands are), writes "<own pid> <child pid>" to argv[2], then runs
// until something stops it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

process.stdout.write('family started\n');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync(`${process.argv[2]}.tmp`, `${process.pid} ${child.pid}`);
fs.renameSync(`${process.argv[2]}.tmp`, process.argv[2]);
setInterval(() => {}, 1000);
