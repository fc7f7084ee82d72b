/**
 * Sessions that end, in the browser: a person signed in on two devices (two browser contexts,
 * each with its own cookies) signs out everywhere from one of them, and the other one is signed
 * out too — by auth at once, and by the other services once the revocation reached them.
 */
import { waitFor } from '@ticketing/common/testing';
import { useMarketplace } from './browser-harness';
import { mainNav, seeHeading, signIn, signUp } from './user-steps';

jest.setTimeout(180_000);

const market = useMarketplace();

describe('sessions in the browser', () => {
  market.scenario(
    'after "sign out everywhere" on the laptop, the phone is signed out too, and signing in again works',
    async (t) => {
      const email = 'two-devices@example.test';
      const laptop = await t.visitor('laptop');
      await signUp(laptop, email);

      const phone = await t.visitor('phone');
      await phone.goto('/auth/signin');
      await signIn(phone, email);
      await mainNav(phone).getByRole('link', { name: 'My orders' }).click();
      await seeHeading(phone, 'My orders');
      expect((await phone.request.get('/api/orders')).status()).toBe(200);
      await t.step(phone, 'signed in on the phone');

      await mainNav(laptop).getByRole('link', { name: 'Account', exact: true }).click();
      await seeHeading(laptop, 'Your account');
      await t.step(laptop, 'account page');
      await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
      await laptop.waitForURL('/');
      await mainNav(laptop).getByRole('link', { name: 'Sign in' }).waitFor();
      expect(await mainNav(laptop).getByText(email).count()).toBe(0);
      await t.step(laptop, 'signed out everywhere');

      // The phone still holds its cookie; every service now refuses it.
      await phone.reload();
      await seeHeading(phone, 'Sign in');
      await mainNav(phone).getByRole('link', { name: 'Sign in' }).waitFor();
      expect(await mainNav(phone).getByText(email).count()).toBe(0);
      await waitFor(async () => (await phone.request.get('/api/orders')).status() === 401, { timeoutMs: 10_000 });
      await t.step(phone, 'signed out on the phone');

      // The sign-in page the phone was sent to brings it back where it was.
      await signIn(phone, email);
      await seeHeading(phone, 'My orders');
      expect((await phone.request.get('/api/orders')).status()).toBe(200);
    },
  );
});
