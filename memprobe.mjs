const what = process.argv.slice(2);
for (const w of what) await import(w);
global.gc(); global.gc();
await new Promise((r) => setTimeout(r, 500));
global.gc(); const m = process.memoryUsage(); console.log(what.join(' + ') || 'bare', 'rss', (m.rss/1048576).toFixed(1), 'heap', (m.heapUsed/1048576).toFixed(1));
