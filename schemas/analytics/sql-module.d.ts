// A query file imported by the Worker: its text (wrangler.tail.toml bundles *.sql as Text modules).
declare module "*.sql" {
  const text: string;
  export default text;
}
