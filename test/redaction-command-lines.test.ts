import { describe, expect, it } from "vitest";
import { archivedEvents, archivedJson } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

const SECRET = "Sx9secretVALUE77";

describe("secrets in command lines", () => {
  it("redacts the value after a flag naming a secret, quoted or not, and keeps the other flags' values", () => {
    const texts = [
      `deploy --password ${SECRET} --region weur`,
      `deploy --client-secret "${SECRET} two" --region weur`,
      `deploy --api-token '${SECRET}' --region weur`,
      `deploy --token=${SECRET} --region weur`,
    ];
    const events = archivedEvents(traceItem({ logs: texts.map((text) => log("log", text)) }));
    for (const event of events.slice(1)) {
      expect(event.text).not.toContain(SECRET);
      expect(event.text).toMatch(/^deploy --[\w-]+[ =]['"]?\[REDACTED\]['"]? --region weur$/);
    }
  });

  it("redacts the password of curl's user options and keeps the user name", () => {
    const texts = [
      `curl -u deploy:${SECRET} https://x.example`,
      `curl --user "deploy:${SECRET}" https://x.example`,
      `curl -udeploy:${SECRET} https://x.example`,
      `curl --proxy-user=deploy:${SECRET} https://x.example`,
      `curl -U deploy:${SECRET} https://x.example`,
    ];
    const events = archivedEvents(traceItem({ logs: texts.map((text) => log("log", text)) }));
    for (const event of events.slice(1)) {
      expect(event.text).not.toContain(SECRET);
      expect(event.text).toContain("deploy:[REDACTED]");
    }
  });

  it("redacts the element after a secret flag in an argv array, in data and in a JSON line", () => {
    const argv = ["node", "cli.js", "--password", SECRET, "--port", "8080", "-token", 12345678];
    const [, fromData, fromLine] = archivedEvents(
      traceItem({ logs: [log("log", { argv }), log("log", JSON.stringify({ _event: "spawn", argv }))] }),
    );
    const redacted = ["node", "cli.js", "--password", "[REDACTED]", "--port", "8080", "-token", "[REDACTED]"];
    expect(fromData!.data).toEqual({ argv: redacted });
    expect(fromLine!.data).toEqual({ _event: "spawn", argv: redacted });
  });

  it("redacts the password of curl's user option in an argv array, and keeps a uid:gid", () => {
    const [, event] = archivedEvents(
      traceItem({
        logs: [
          log("log", {
            curl: ["curl", "-u", `deploy:${SECRET}`, "https://x"],
            proxy: ["--proxy-user", `p:${SECRET}`],
            docker: ["-u", "1000:1000"],
          }),
        ],
      }),
    );
    expect(event!.data).toEqual({
      curl: ["curl", "-u", "deploy:[REDACTED]", "https://x"],
      proxy: ["--proxy-user", "p:[REDACTED]"],
      docker: ["-u", "1000:1000"],
    });
  });

  it("keeps a flag that follows a secret flag, and the arguments of plain flags", () => {
    const argv = ["run", "--token", "--dry-run", "--password-file", "/run/secrets/db", "--user", "bob"];
    const [, event] = archivedEvents(traceItem({ logs: [log("log", { argv })] }));
    expect(event!.data).toEqual({ argv });
    const [, text] = archivedEvents(traceItem({ logs: [log("log", "run --token --dry-run --password-file /run/secrets/db")] }));
    expect(text!.text).toBe("run --token --dry-run --password-file /run/secrets/db");
  });

  it("redacts a command line in a JSON line's string, an exception and a diagnostics-channel message", () => {
    const command = `psql --password ${SECRET} -h db`;
    const json = archivedJson(
      traceItem({
        logs: [log("log", JSON.stringify({ _event: "job", command }))],
        exceptions: [{ timestamp: 1, name: "Error", message: `spawn failed: ${command}` }],
        diagnosticsChannelEvents: [{ timestamp: 1, channel: "jobs", message: { command } }],
      }),
    ).join("\n");
    expect(json).not.toContain(SECRET);
    expect(json.split("psql --password [REDACTED] -h db").length - 1).toBe(3);
  });

  it("redacts the value after a single-dash flag naming a secret (Java's and keytool's), quoted or credential-like", () => {
    const texts = [
      `java -jar app.jar -password ${SECRET} -port 8080`,
      `keytool -list -storepass ${SECRET} -keystore ks.jks`,
      `keytool\t-storepass ${SECRET}\n-keypass ${SECRET}`,
      `keytool -importkeystore -deststorepass "${SECRET} x" -srckeystore a.p12`,
      `jarsigner -keypass '${SECRET}' app.jar`,
    ];
    const events = archivedEvents(traceItem({ logs: texts.map((text) => log("log", text)) }));
    expect(events.slice(1).map((event) => event.text)).toEqual([
      "java -jar app.jar -password [REDACTED] -port 8080",
      "keytool -list -storepass [REDACTED] -keystore ks.jks",
      "keytool\t-storepass [REDACTED]\n-keypass [REDACTED]",
      'keytool -importkeystore -deststorepass "[REDACTED]" -srckeystore a.p12',
      "jarsigner -keypass '[REDACTED]' app.jar",
    ]);
  });

  it("redacts the password options of mysql, mariadb, sshpass and redis-cli, whose names say nothing", () => {
    const texts = [
      `mysql -u root -p${SECRET} -h db app`,
      `mysqldump --single-transaction -p'${SECRET} x' app`,
      `mariadb -h db -p"${SECRET}"`,
      `sshpass -p ${SECRET} ssh deploy@host`,
      `sshpass -v -p '${SECRET}' scp a b`,
      `redis-cli -h cache -p 6379 -a ${SECRET} ping`,
    ];
    const events = archivedEvents(traceItem({ logs: texts.map((text) => log("log", text)) }));
    expect(events.slice(1).map((event) => event.text)).toEqual([
      "mysql -u root -p[REDACTED] -h db app",
      "mysqldump --single-transaction -p'[REDACTED]' app",
      'mariadb -h db -p"[REDACTED]"',
      "sshpass -p [REDACTED] ssh deploy@host",
      "sshpass -v -p '[REDACTED]' scp a b",
      "redis-cli -h cache -p 6379 -a [REDACTED] ping",
    ]);
  });

  it("redacts Redis's AUTH command at a line's start or after a prompt, and keeps replies and prose", () => {
    const secret = [
      `AUTH ${SECRET}`,
      `127.0.0.1:6379> AUTH default ${SECRET}`,
      `redis> AUTH ${SECRET}`,
      `connected\nAUTH app ${SECRET}\nPING`,
      `1700000000.123456 [0 127.0.0.1:6379] "AUTH" "${SECRET}"`,
    ];
    const kept = [
      "AUTH OK",
      "AUTH ok",
      "AUTH failed",
      "Error: AUTH failed",
      "AUTH required",
      "> AUTH success",
      "ffmpeg -i in.mp4 -pass 2 out.mp4",
      "AUTH failed: WRONGPASS invalid username-password pair",
      "sshpass -e ssh -p 2222 deploy@host",
      "docker run --name mysql -d -p3306:3306 mysql:8",
      "mysql -u root -p -h db app",
      "ssh deploy@host -p 2222",
      "use -p to set the port",
      "ls -la /tmp",
      "the -token option needs a value",
    ];
    const events = archivedEvents(traceItem({ logs: [...secret, ...kept].map((text) => log("log", text)) }));
    const texts = events.slice(1).map((event) => event.text);
    expect(texts.slice(0, secret.length)).toEqual([
      "AUTH [REDACTED]",
      "127.0.0.1:6379> AUTH default [REDACTED]",
      "redis> AUTH [REDACTED]",
      "connected\nAUTH app [REDACTED]\nPING",
      '1700000000.123456 [0 127.0.0.1:6379] "AUTH" "[REDACTED]"',
    ]);
    expect(texts.slice(secret.length)).toEqual(kept);
  });

  it("redacts these options in a JSON line's string and an exception too", () => {
    const command = `mysql -u root -p${SECRET} app`;
    const json = archivedJson(
      traceItem({
        logs: [log("log", JSON.stringify({ _event: "backup", command, auth: undefined }))],
        exceptions: [{ timestamp: 1, name: "Error", message: `redis-cli -a ${SECRET} failed` }],
      }),
    ).join("\n");
    expect(json).not.toContain(SECRET);
    expect(json).toContain("mysql -u root -p[REDACTED] app");
    expect(json).toContain("redis-cli -a [REDACTED] failed");
  });

  it("redacts these programs' passwords in argv arrays, and keeps the options of the command sshpass runs", () => {
    const [, event] = archivedEvents(
      traceItem({
        logs: [
          log("log", {
            mysql: ["/usr/bin/mysql", "-uroot", `-p${SECRET}`, "-P3306", "app"],
            remote: ["sshpass", "-p", SECRET, "ssh", "-p", "2222", "host"],
            redis: ["redis-cli", "-h", "cache", "-a", SECRET, "ping"],
            docker: ["docker", "run", "-p3306:3306", "mysql"],
            exec: ["docker", "exec", "db", "mysql", `-p${SECRET}`],
          }),
        ],
      }),
    );
    expect(event!.data).toEqual({
      mysql: ["/usr/bin/mysql", "-uroot", "-p[REDACTED]", "-P3306", "app"],
      remote: ["sshpass", "-p", "[REDACTED]", "ssh", "-p", "2222", "host"],
      redis: ["redis-cli", "-h", "cache", "-a", "[REDACTED]", "ping"],
      docker: ["docker", "run", "-p3306:3306", "mysql"],
      exec: ["docker", "exec", "db", "mysql", "-p[REDACTED]"],
    });
  });
});
