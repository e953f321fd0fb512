import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A command running in a real pseudo-terminal (a detached tmux session on its own server socket),
 * so Ctrl-C reaches it as a user's keypress does: SIGINT to the terminal's foreground process group.
 */
export class Terminal {
  private readonly socket = `cairn-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'cairn-terminal-'));
  private readonly exitFile = join(this.dir, 'exit');

  constructor(command: string, env: Record<string, string> = {}) {
    const exports = Object.entries(env).map(([name, value]) => `export ${name}=${JSON.stringify(value)}; `).join('');
    // bash keeps running after its child ends by a handled SIGINT, so it can record the exit code.
    const script = `${exports}${command}; echo $? > ${this.exitFile}; sleep 600`;
    this.tmux('new-session', '-d', '-s', 'main', '-x', '160', '-y', '50', '-c', process.cwd(), 'bash', '-c', script);
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args[0]}: ${result.stderr}`);
    return result.stdout;
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'main');
  }

  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}:\n${screen}`);
      await sleep(200);
    }
  }

  pressCtrlC(): void {
    this.tmux('send-keys', '-t', 'main', 'C-c');
  }

  async exitCode(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(this.exitFile) || readFileSync(this.exitFile, 'utf8').trim() === '') {
      if (Date.now() > deadline) throw new Error(`the command did not end:\n${this.screen()}`);
      await sleep(100);
    }
    return Number(readFileSync(this.exitFile, 'utf8').trim());
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
