/// <reference lib="dom" />
import { h, render, type ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AppModel } from './app-model.js';
import { InviteScreen, ResetScreen, SetupScreen, SignInScreen } from './views/auth.js';
import { InboxScreen } from './views/inbox.js';
import { AdminScreen } from './views/admin/admin.js';
import { ReportsScreen } from './views/reports.js';
import { AccountScreen } from './views/account.js';
import { installShortcuts } from './shortcuts.js';

function App({ model }: { model: AppModel }): ComponentChild {
  const [, setVersion] = useState(0);
  useEffect(() => model.onChange(() => setVersion((v) => v + 1)), []);
  const route = model.route;
  switch (route.name) {
    case 'setup':
      return h(SetupScreen, { model });
    case 'reset':
      return h(ResetScreen, { model, token: route.token, key: route.token ?? 'request' });
    case 'invite':
      return h(InviteScreen, { model, token: route.token });
    case 'inbox':
      if (model.signedIn) return h(InboxScreen, { model, s: model.signedIn });
      return h(SignInScreen, { model });
    case 'admin':
      if (model.signedIn) return h(AdminScreen, { model, s: model.signedIn, section: route.section });
      return h(SignInScreen, { model });
    case 'reports':
      if (model.signedIn) return h(ReportsScreen, { model, s: model.signedIn });
      return h(SignInScreen, { model });
    case 'account':
      if (model.signedIn) return h(AccountScreen, { model, s: model.signedIn });
      return h(SignInScreen, { model });
    default:
      return h(SignInScreen, { model });
  }
}

const model = new AppModel();
// Started before the first render: a signed-in reload must never flash (or act on) the sign-in screen.
model.start();
render(h(App, { model }), document.getElementById('app')!);
installShortcuts(model);
