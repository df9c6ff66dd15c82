import { TokenRoles } from './token-roles';

describe('TokenRoles', () => {
  const roles = new TokenRoles(['viewer-token-aaaaaaaa'], ['operator-token-bbbbbbbb']);

  it('knows viewers and operators by their token', () => {
    expect(roles.identify('viewer-token-aaaaaaaa')?.role).toBe('viewer');
    expect(roles.identify('operator-token-bbbbbbbb')?.role).toBe('operator');
  });

  it('knows nobody else, not even a prefix of a real token', () => {
    expect(roles.identify('viewer-token-aaaaaaa')).toBeUndefined();
    expect(roles.identify('')).toBeUndefined();
  });

  it('names the actor by role and a fingerprint that does not contain the token', () => {
    const caller = roles.identify('operator-token-bbbbbbbb');
    expect(caller?.actor).toMatch(/^operator:[0-9a-f]{8}$/);
    expect(caller?.actor).not.toContain('bbbb');
  });

  it('gives a token listed in both lists the operator role', () => {
    expect(new TokenRoles(['shared-token-cccccccc'], ['shared-token-cccccccc']).identify('shared-token-cccccccc')?.role).toBe('operator');
  });
});
