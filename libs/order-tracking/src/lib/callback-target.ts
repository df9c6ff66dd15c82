/** Why a callback URL is refused, or undefined when it is fine. */
export function callbackTargetProblem(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string' || candidate.length === 0) return 'the callback URL is missing';
  if (candidate.length > 2048) return 'the callback URL is longer than 2048 characters';
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return 'the callback URL is not a valid absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `the callback URL must be http or https, not ${url.protocol.replace(':', '')}`;
  if (url.username !== '' || url.password !== '') return 'the callback URL must not carry credentials; its deliveries are signed instead';
  if (url.hash !== '') return 'the callback URL must not have a fragment';
  return undefined;
}
