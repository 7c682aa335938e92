import type { TestTraceItem } from "./trace-items";

/**
 * Text that redaction's patterns read (broken JSON is redacted as text too) and that must not make
 * them backtrack for ever: runs that almost match a secret's form, hundreds of kilobytes long.
 */
export function addPatternTraps(add: (name: string, item: unknown) => void, withLogs: (...message: unknown[]) => TestTraceItem): void {
  add("4 MB broken JSON of one word", withLogs(`{${"x".repeat(4 * 1024 * 1024)}`));
  add("4 MB broken JSON of keys without values", withLogs(`{${"a:".repeat(2 * 1024 * 1024)}`));
  add("4 MB broken JSON of query-like text", withLogs(`[${"?a".repeat(1024 * 1024)}=${"&b=".repeat(512 * 1024)}`));
  add("backslash runs around quoted keys", withLogs(`${"\\".repeat(50)}"k${"\\".repeat(50)}":`.repeat(5_000)));
  add("secret elements that never close", withLogs(`<password>${"x".repeat(900)}</pass>`.repeat(300)));
  add("'basic' 50,000 times", withLogs("basic ".repeat(50_000)));
  add("a cookie line of 100,000 cookies", withLogs(`Cookie: ${"a=1; ".repeat(100_000)}`));
  add("quotes that never close after names", withLogs(`a "${"b 'c ".repeat(60_000)}`));
  add("100,000 secret flags in a row", withLogs("--token ".repeat(100_000)));
  add("curl user options without end", withLogs(`-u ${"a".repeat(200)}:`.repeat(1_000)));
  add("a curl user option, then 256 KB of spaces", withLogs(`-u${" ".repeat(256 * 1024)}x:`));
  add("single digits split by spaces, 256 KB", withLogs("1 ".repeat(128 * 1024)));
  add("a digit run of 256 KB", withLogs("4".repeat(256 * 1024)));
  add("card-like groups without end", withLogs("4111 1111 ".repeat(25_000)));
  add("IDENTIFIED BY without end", withLogs(`IDENTIFIED BY '${"x".repeat(400)}`.repeat(500)));
  add("redis-cli and mysql options without a password", withLogs(`redis-cli -x mysql ${"-h ".repeat(100)}`.repeat(800)));
  add("loose separators after names, 256 KB", withLogs("password\t token -> api_key | secret is ".repeat(6_500)));
  add("phrases before colons, 256 KB", withLogs("password for user bob: ".repeat(11_500)));
  add("user:password@ without hosts", withLogs(`a:b1@${"h".repeat(250)}.`.repeat(1_000)));
  add("AUTH lines, 256 KB", withLogs("\nAUTH a b".repeat(29_000)));
  add("a JWT's first part run on for 256 KB", withLogs(`${"eyJ-".repeat(64_000)} x.eyJ`));
  add("structures after secret names that never close, 256 KB", withLogs("token set:[abc123 ".repeat(14_000)));
  add("a pair's quote and comma before 256 KB of spaces", withLogs(`",:${" ".repeat(256 * 1024)}`));
  add(
    "field names of 128 KB of digits or dashes",
    withLogs(JSON.stringify({ [`${"1".repeat(128 * 1024)}x`]: 1, [`${"-".repeat(128 * 1024)}1x`]: 2 })),
  );
  add("Basic credentials decoding to 192 KB of colons", withLogs(`Basic ${btoa(`${":".repeat(192 * 1024)}\x01`)}`));
  add(
    "escaped values under plural names that never close, 256 KB",
    withLogs(`${Array.from({ length: 500 }, (_, i) => `tokens:${"\\".repeat(500 - i)}"< `).join("")}${'"'.repeat(120_000)}`),
  );
  add(
    "13,000 field names holding a secret as text",
    withLogs(JSON.stringify(Object.fromEntries(Array.from({ length: 13_000 }, (_, i) => [`?token=x&i=${i}`, 1])))),
  );
  add("Redis MONITOR AUTH arguments, 256 KB", withLogs('"AUTH" "a" '.repeat(23_000)));
  add("sshpass options without a password, 256 KB", withLogs("sshpass -e -f x -v ".repeat(13_500)));
  add(
    "argv arrays of programs with password options",
    withLogs({ a: ["sshpass", ...Array(50_000).fill("-p")], b: ["mysql", ...Array(50_000).fill("-pX")] }),
  );
  add(
    "plural secret names 100,000 strings deep",
    withLogs(JSON.stringify({ _event: "many", tokens: Array.from({ length: 100_000 }, (_, i) => ({ t: `x${i}` })) })),
  );
}
