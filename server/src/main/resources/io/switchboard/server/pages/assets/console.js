// The admin console (placeholder of the pages base: signs in and shows who is signed in).
import { ensureSignedIn, signOut } from './auth.js';
import { byId, announce } from './ui.js';

async function start() {
  try {
    const { me } = await ensureSignedIn();
    byId('who').textContent = me.name;
    const button = byId('sign-out');
    button.hidden = false;
    button.addEventListener('click', async () => {
      await signOut();
      byId('who').textContent = 'Signed out';
      button.hidden = true;
    });
  } catch (e) {
    announce(byId('status'), e.message, true);
  }
}

start();
