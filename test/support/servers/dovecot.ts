/**
 * Starts a real Dovecot (Debian `dovecot-imapd`) as the test's own process: config, passwd-file and
 * maildirs in a temp folder, plaintext IMAP on an ephemeral loopback port. Runs as root in CI (mail is
 * then owned by the `dovecot` system user, since Dovecot refuses to serve mail as uid 0) and as the
 * current user otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, stopChild, waitUntil } from './net-utils';

export interface ServerUser {
  user: string;
  password: string;
}

export interface DovecotOptions {
  users: ServerUser[];
  /** Hierarchy separator of the inbox namespace (Dovecot's maildir default is "."). */
  separator?: string;
  /** Namespace prefix, e.g. "INBOX." as Courier-style servers use. */
  prefix?: string;
  /** Advertise capabilities without MOVE, to exercise the COPY + EXPUNGE fallback. */
  withoutMove?: boolean;
  /** Per user and client IP (Dovecot's default is 10). */
  maxConnectionsPerUser?: number;
  binary?: string;
}

export interface DovecotServer {
  host: string;
  port: number;
  users: ServerUser[];
  separator: string;
  prefix: string;
  /** Changes a user's password, as the user would at their provider; the next login needs the new one. */
  setPassword(user: string, password: string): Promise<void>;
  /** Stops the server but keeps its mail, so `up()` restarts it on the same port with the same data. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

// Dovecot's full post-login capability list minus MOVE (imap_capability replaces, it cannot subtract).
const capabilitiesWithoutMove =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS ' +
  'THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED ' +
  'I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY ' +
  'SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE';

function mailOwner(): { user: string; uid: number; gid: number } {
  const me = userInfo();
  if (me.uid !== 0) return { user: me.username, uid: me.uid, gid: me.gid };
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('dovecot:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error('running as root needs the dovecot system user (package dovecot-core)');
  return { user: 'dovecot', uid: Number(uid), gid: Number(gid) };
}

function renderConfig(dir: string, port: number, o: Required<Omit<DovecotOptions, 'binary'>>): string {
  const owner = mailOwner();
  const asRoot = userInfo().uid === 0;
  return `
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = tandem-test-${port}
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Dovecot delays failed logins by 2 s by default; tests of a wrong password need not wait.
auth_failure_delay = 0
default_internal_user = ${asRoot ? 'dovecot' : owner.user}
default_login_user = ${asRoot ? 'dovenull' : owner.user}
first_valid_uid = 1
mail_max_userip_connections = ${o.maxConnectionsPerUser}
${o.withoutMove ? `imap_capability = ${capabilitiesWithoutMove}` : ''}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = ${o.separator}
  prefix = ${o.prefix}
}
protocol imap {
  mail_max_userip_connections = ${o.maxConnectionsPerUser}
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
}

/**
 * A fresh socket to the server; `step` sees everything received so far and answers true or false
 * once it can tell (undefined: keep reading). A timeout or a socket error is false.
 */
function probe(host: string, port: number, timeoutMs: number, step: (seen: string, socket: Socket) => boolean | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    let seen = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      const verdict = step(seen, socket);
      if (verdict !== undefined) done(verdict);
    });
  });
}

/** True once Dovecot greets with its capability list (before that it says "Waiting for authentication"). */
const greets = (host: string, port: number) => probe(host, port, 1_000, (seen) => (seen.includes('[CAPABILITY') ? true : undefined));

/** True once `user` logs in with `password` (a raw IMAP LOGIN, so no client library's retries). */
function logsIn(host: string, port: number, user: string, password: string): Promise<boolean> {
  const quoted = (v: string) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  let sent = false;
  return probe(host, port, 5_000, (seen, socket) => {
    if (!sent && seen.includes('\r\n')) {
      sent = true;
      socket.write(`a LOGIN ${quoted(user)} ${quoted(password)}\r\n`);
    }
    if (/^a OK/m.test(seen)) return true;
    return /^a (NO|BAD)/m.test(seen) ? false : undefined;
  });
}

export async function startDovecot(options: DovecotOptions): Promise<DovecotServer> {
  const settings = {
    users: options.users,
    separator: options.separator ?? '.',
    prefix: options.prefix ?? '',
    withoutMove: options.withoutMove ?? false,
    maxConnectionsPerUser: options.maxConnectionsPerUser ?? 10,
  };
  const binary = options.binary ?? '/usr/sbin/dovecot';
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'tandem-dovecot-'));
  chmodSync(dir, 0o755);
  const owner = mailOwner();
  for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
  chownSync(join(dir, 'home'), owner.uid, owner.gid);
  const passwords = new Map(settings.users.map((u) => [u.user, u.password]));
  const writePasswd = () => writeFileSync(join(dir, 'passwd'), [...passwords].map(([user, password]) => `${user}:{PLAIN}${password}::::\n`).join(''));
  writePasswd();
  const port = await freePort(host);
  writeFileSync(join(dir, 'dovecot.conf'), renderConfig(dir, port, settings));

  let child: ChildProcess | undefined;
  const up = async () => {
    const proc = spawn(binary, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child = proc;
    await waitUntil(async () => {
      if (proc.exitCode !== null) throw new Error(`dovecot exited (${proc.exitCode}): ${stderr}`);
      return greets(host, port);
    }, 'dovecot');
  };
  const down = async () => {
    if (child) await stopChild(child);
    child = undefined;
  };
  await up();
  return {
    host,
    port,
    users: settings.users,
    separator: settings.separator,
    prefix: settings.prefix,
    async setPassword(user, password) {
      if (!passwords.has(user)) throw new Error(`no Dovecot user ${user}`);
      passwords.set(user, password);
      writePasswd();
      // The running auth process keeps the passwd-file it loaded; SIGHUP restarts it (open sessions may drop).
      child?.kill('SIGHUP');
      await waitUntil(() => logsIn(host, port, user, password), 'dovecot to take the new password');
    },
    up,
    down,
    async stop() {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => {
      try {
        return readFileSync(join(dir, 'dovecot.log'), 'utf8');
      } catch {
        return '';
      }
    },
  };
}
