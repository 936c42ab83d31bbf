// Appends one line to the file named by argv[2]: how the durability test counts executions.
import fs from 'node:fs';

fs.appendFileSync(process.argv[2], `ran ${process.env.SMARTCLOUDOPS_RUN_ID}\n`);
