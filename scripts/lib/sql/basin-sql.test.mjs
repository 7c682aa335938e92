import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { BASIN_SQL_API, basinSqlCommands, basinSqlRequest } from "./basin-sql.mjs";
import { sqlCommand } from "./sql-command.mjs";

// `npm run archives -- sql --remote`: no network here, so the request is checked as built and as
// printed. The printed commands are run by a real shell with curl and npx replaced by functions that
// report their arguments, which proves the quoting: what the shell hands curl is the very request.

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TOKEN = "cf-token-that-must-never-be-printed";
// Quotes, a dollar, a backtick, a backslash and a line break: everything a shell could mangle.
const SQL = "SELECT type, count(*) AS \"n\" FROM do_tail.events\nWHERE text LIKE '%it''s $HOME `x` \\d%' GROUP BY type";

function capture() {
  let text = "";
  return {
    isTTY: false,
    write(chunk) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

async function run(args, env, fetch) {
  const out = capture();
  const err = capture();
  const status = await sqlCommand(["--remote", ...args], { out, err, env, fetch });
  return { status, out: out.text, err: err.text };
}

/** Runs `command` in sh with `name` replaced by a function printing its arguments, NUL-separated. */
function argumentsOf(command, name, env) {
  const script = `${name}() { for a in "$@"; do printf '%s\\0' "$a"; done; printf 'TOKEN=%s\\0' "$WRANGLER_BASIN_SQL_AUTH_TOKEN"; }\n${command}`;
  const result = spawnSync("sh", ["-c", script], { env: { PATH: process.env.PATH, ...env }, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split("\0").slice(0, -1);
}

describe("Basin SQL request", () => {
  it("is the one wrangler basin sql query sends: POST, bearer token, warehouse <account>_<bucket> and the query", () => {
    const request = basinSqlRequest({ accountId: ACCOUNT, bucket: "do-tail-basin", sql: SQL, token: TOKEN });
    assert.equal(request.url, `${BASIN_SQL_API}/${ACCOUNT}/basin-sql/query/do-tail-basin`);
    assert.equal(request.url, `https://api.sql.cloudflarestorage.com/api/v1/accounts/${ACCOUNT}/basin-sql/query/do-tail-basin`);
    assert.equal(request.method, "POST");
    assert.deepEqual(request.headers, { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" });
    assert.deepEqual(JSON.parse(request.body), { warehouse: `${ACCOUNT}_do-tail-basin`, query: SQL });
  });

  for (const accountId of [ACCOUNT, undefined]) {
    it(`prints curl that a shell turns into the exact request (account id ${accountId ? "known" : "from $CLOUDFLARE_ACCOUNT_ID"})`, () => {
      const { curl, wrangler } = basinSqlCommands({ accountId, bucket: "do-tail-basin", sql: SQL });
      assert.ok(!curl.includes(TOKEN) && !wrangler.includes(TOKEN));
      const env = { CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: TOKEN };
      const expected = basinSqlRequest({ accountId: ACCOUNT, bucket: "do-tail-basin", sql: SQL, token: TOKEN });
      const args = argumentsOf(curl, "curl", env);
      assert.deepEqual(args.slice(0, -1), [
        "-X",
        "POST",
        expected.url,
        "-H",
        `Authorization: Bearer ${TOKEN}`,
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        expected.body,
      ]);
      const wranglerArgs = argumentsOf(wrangler, "npx", env);
      assert.deepEqual(wranglerArgs, ["wrangler", "basin", "sql", "query", `${ACCOUNT}_do-tail-basin`, SQL, `TOKEN=${TOKEN}`]);
    });
  }
});

describe("npm run archives -- sql --remote", () => {
  it("prints the request, never the token, when the account id or the token is missing", async () => {
    for (const env of [{}, { CLOUDFLARE_API_TOKEN: TOKEN }, { CLOUDFLARE_ACCOUNT_ID: ACCOUNT }]) {
      let called = false;
      const result = await run([SQL], env, () => {
        called = true;
      });
      assert.equal(result.status, 0);
      assert.equal(called, false);
      assert.match(result.out, /^curl -X POST .*\/basin-sql\/query\/do-tail-basin/);
      assert.match(result.out, /npx wrangler basin sql query/);
      assert.match(result.err, /not set: the request is printed, not sent/);
      assert.ok(!`${result.out}${result.err}`.includes(TOKEN));
    }
  });

  it("sends it when both are set, and prints Basin SQL's rows in the chosen format", async () => {
    const requests = [];
    const fetch = async (url, init) => {
      requests.push({ url, init });
      const body = {
        success: true,
        result: {
          schema: [{ name: "type" }, { name: "n" }],
          rows: [{ type: "run_complete", n: 3 }],
          metrics: { bytes_scanned: 2048, files_scanned: 2 },
        },
      };
      return new Response(JSON.stringify(body), { status: 200 });
    };
    const result = await run(
      ["--bucket", "my-basin", "--format", "csv", SQL],
      { CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: TOKEN },
      fetch,
    );
    assert.equal(result.status, 0, result.err);
    assert.equal(result.out, "type,n\r\nrun_complete,3\r\n");
    assert.match(result.err, /Basin SQL read 2\.0 KiB across 2 files/);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].url, `${BASIN_SQL_API}/${ACCOUNT}/basin-sql/query/my-basin`);
    assert.equal(requests[0].init.headers.Authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(JSON.parse(requests[0].init.body), { warehouse: `${ACCOUNT}_my-basin`, query: SQL });
  });

  it("exits 2 when Basin SQL refuses the query and 1 when it cannot be reached or refuses the token, never printing it", async () => {
    const env = { CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: TOKEN };
    const answer = (status, body) => async () => new Response(JSON.stringify(body), { status });
    const refused = await run(
      [SQL],
      env,
      answer(400, { success: false, errors: [{ code: 40003, message: "expected exactly 1 table in FROM clause" }] }),
    );
    assert.equal(refused.status, 2);
    assert.match(refused.err, /Basin SQL refused the query: 40003: expected exactly 1 table in FROM clause/);
    const forbidden = await run([SQL], env, answer(403, { success: false, errors: [{ code: 10000, message: "Authentication error" }] }));
    assert.equal(forbidden.status, 1);
    assert.match(forbidden.err, /permissions/);
    const unreachable = await run([SQL], env, async () => {
      throw new TypeError("fetch failed");
    });
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.err, /Basin SQL unreachable: fetch failed/);
    for (const result of [refused, forbidden, unreachable]) assert.ok(!`${result.out}${result.err}`.includes(TOKEN));
  });

  it("refuses the local copy's options and a bucket without --remote", async () => {
    const result = await run(["--since", "-1d", "--offline", SQL], {}, undefined);
    assert.equal(result.status, 2);
    assert.match(result.err, /--since, --offline apply to the local copy, not to --remote/);
    const out = capture();
    const err = capture();
    assert.equal(await sqlCommand(["--bucket", "x-y-z", SQL], { out, err, env: {} }), 2);
    assert.match(err.text, /--bucket goes with --remote/);
  });
});
