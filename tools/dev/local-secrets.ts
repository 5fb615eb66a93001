// The secrets `npm start` makes up for local mode, kept in the data folder so a restart changes nothing a person saved.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** What local mode needs and nobody has to choose: the demo API key and the Slack signing secret. */
export interface LocalSecrets {
  demoApiKey: string;
  slackSigningSecret: string;
}

const SecretsFile = z.object({ demoApiKey: z.string().min(16), slackSigningSecret: z.string().min(16) });

function generate(): LocalSecrets {
  return {
    demoApiKey: `jit_demo_${randomBytes(18).toString('base64url')}`,
    slackSigningSecret: randomBytes(16).toString('hex'),
  };
}

/**
 * The secrets in `file` (readable by its owner only), made and written there on the first start; a
 * value given in the environment wins for this run and is not written. A file that cannot be read is
 * replaced, and `replaced` says so.
 */
export function localSecrets(file: string, given: Partial<LocalSecrets> = {}): LocalSecrets & { created: boolean; replaced: boolean } {
  let kept: LocalSecrets | undefined;
  let replaced = false;
  if (existsSync(file)) {
    try {
      kept = SecretsFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      replaced = true;
    }
  }
  const created = kept === undefined;
  if (!kept) {
    kept = generate();
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  }
  return {
    demoApiKey: given.demoApiKey ?? kept.demoApiKey,
    slackSigningSecret: given.slackSigningSecret ?? kept.slackSigningSecret,
    created,
    replaced,
  };
}
