import { describe, expect, it } from 'vitest';
import { accessTo, leavesWithoutAdmin, mayAdminister, mayPublish, normalizeEmail, passwordProblems, SignInThrottle } from './rules.ts';

describe('accessTo', () => {
  const town = 10;
  const school = 11; // subordinate of the town
  it('gives a role on the organisation itself, and on subordinates only where granted', () => {
    const editor = { isPlatformAdmin: false, memberships: [{ organizationId: town, role: 'editor' as const, includeSubordinates: false }] };
    expect(accessTo(editor, [town])).toBe('editor');
    expect(accessTo(editor, [school, town])).toBeNull();
    const granted = { isPlatformAdmin: false, memberships: [{ organizationId: town, role: 'editor' as const, includeSubordinates: true }] };
    expect(accessTo(granted, [school, town])).toBe('editor');
    expect(accessTo(granted, [99])).toBeNull();
  });

  it('lets the strongest role win and the platform admin act everywhere', () => {
    const both = {
      isPlatformAdmin: false,
      memberships: [
        { organizationId: school, role: 'editor' as const, includeSubordinates: false },
        { organizationId: town, role: 'admin' as const, includeSubordinates: true },
      ],
    };
    expect(accessTo(both, [school, town])).toBe('admin');
    expect(accessTo({ isPlatformAdmin: true, memberships: [] }, [42])).toBe('platform_admin');
    expect(mayAdminister('editor')).toBe(false);
    expect(mayAdminister('admin')).toBe(true);
    expect(mayPublish(null)).toBe(false);
  });
});

describe('leavesWithoutAdmin', () => {
  const members = [
    { id: 1, role: 'admin' },
    { id: 2, role: 'editor' },
  ];
  it('refuses to take the role of the only administrator away or lower it, and allows everything else', () => {
    expect(leavesWithoutAdmin(members, 1, null)).toBe(true);
    expect(leavesWithoutAdmin(members, 1, 'editor')).toBe(true);
    expect(leavesWithoutAdmin(members, 1, 'admin')).toBe(false);
    expect(leavesWithoutAdmin(members, 2, null)).toBe(false);
    expect(leavesWithoutAdmin([...members, { id: 3, role: 'admin' }], 1, null)).toBe(false);
    // An organisation with no administrator of its own (run by a superior's) stays as it is.
    expect(leavesWithoutAdmin([{ id: 2, role: 'editor' }], 2, null)).toBe(false);
  });
});

describe('passwords and e-mails', () => {
  it('refuses short, trivial and e-mail-like passwords with Czech reasons', () => {
    expect(passwordProblems('krátké', 'a@b.cz')[0]).toMatch(/alespoň 10 znaků/);
    expect(passwordProblems('aaaaaaaaaaaa', 'a@b.cz')).toContain('Heslo je příliš jednoduché (málo různých znaků).');
    expect(passwordProblems('novak@obec.cz', 'novak@obec.cz')).toContain('Heslo nesmí být stejné jako e-mail.');
    expect(passwordProblems('koně pijí vodu u řeky', 'a@b.cz')).toEqual([]);
  });

  it('normalises e-mails and rejects what is not one', () => {
    expect(normalizeEmail('  Jana.Novakova@Obec.CZ ')).toBe('jana.novakova@obec.cz');
    expect(normalizeEmail('bez zavinace')).toBeNull();
  });
});

describe('SignInThrottle', () => {
  it('refuses the sixth attempt within a minute after five failures, and forgets after the window', () => {
    const throttle = new SignInThrottle(5, 60_000);
    const keys = ['email:a@b.cz'];
    for (let i = 0; i < 5; i++) {
      expect(throttle.retryAfterSeconds(keys, 1000 + i)).toBe(0);
      throttle.fail(keys, 1000 + i);
    }
    expect(throttle.retryAfterSeconds(keys, 2000)).toBe(59);
    expect(throttle.retryAfterSeconds(keys, 61_001)).toBe(0);
  });

  it('resets on success', () => {
    const throttle = new SignInThrottle(2, 60_000);
    throttle.fail(['k'], 0);
    throttle.succeed(['k']);
    throttle.fail(['k'], 1);
    expect(throttle.retryAfterSeconds(['k'], 2)).toBe(0);
  });
});
