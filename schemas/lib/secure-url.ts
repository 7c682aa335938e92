/** 127.0.0.0/8, localhost and [::1]: the only hosts plain http: may reach. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * https:, or plain http: to this machine only (a local collector or receiver during development):
 * where do-tail may send events or notifications.
 */
export function isSecureEndpoint(url: string): boolean {
  const parsed = URL.parse(url);
  if (parsed === null) return false;
  return parsed.protocol === "https:" || (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname));
}
