// A second test reporter: at the end of the run it repeats, for every test
// file that failed, the last lines that file wrote to stderr, and every
// diagnostic that is not a summary count. A file that fails outside its tests
// (a throw while loading, a signal, asynchronous activity after a test ended)
// shows only "test failed" in the spec reporter's summary; its cause was
// printed in the middle of a long log, which CI excerpts cut.
const KEEP = 60;
const SUMMARY = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /;

export default async function* failureReporter(source) {
  const stderr = new Map();
  const failedFiles = new Set();
  const diagnostics = [];
  for await (const e of source) {
    const d = e.data ?? {};
    if (e.type === 'test:stderr' && d.file) {
      const lines = stderr.get(d.file) ?? [];
      lines.push(...String(d.message).split('\n').filter((l) => l.length > 0));
      stderr.set(d.file, lines.slice(-KEEP));
    } else if (e.type === 'test:fail' && d.file) {
      failedFiles.add(d.file);
    } else if (e.type === 'test:diagnostic' && !SUMMARY.test(String(d.message))) {
      diagnostics.push(String(d.message));
    }
  }
  if (failedFiles.size === 0 && diagnostics.length === 0) return;
  let out = '\n# what the failing files said\n';
  for (const f of failedFiles) {
    out += `\n## ${f}\n`;
    const lines = stderr.get(f);
    out += lines ? `${lines.join('\n')}\n` : '(nothing on stderr)\n';
  }
  if (diagnostics.length > 0) out += `\n## diagnostics\n${diagnostics.join('\n')}\n`;
  yield out;
}
