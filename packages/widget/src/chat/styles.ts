/*
 * The panel's styles, in the same shadow root as the loader's (which already
 * shields it from the page). Colours keep WCAG AA contrast: muted text is
 * #57606a on white (6:1); `--c`/`--f` are the brand colour and its readable text.
 */
export const CHAT_CSS = `
.panel{position:fixed;bottom:88px;z-index:2147483001;display:flex;flex-direction:column;width:370px;height:min(600px,calc(100vh - 110px));background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);overflow:hidden}
.panel[hidden]{display:none}
.panel:focus{outline:none}
.right .panel{right:20px}.left .panel{left:20px}
@media (max-width:480px){.p .panel{inset:0;width:auto;height:auto;border-radius:0}}
header{display:flex;align-items:flex-start;gap:6px;padding:14px 14px 12px 18px;background:var(--c);color:var(--f)}
header div{flex:1;min-width:0}
h2{margin:0;font-size:17px;font-weight:650}
header p{margin:2px 0 0;font-size:13px;opacity:.95}
button{font:inherit;cursor:pointer}
.icon{border:0;background:none;color:inherit;font-size:20px;line-height:1;padding:4px 8px;border-radius:6px}
button:focus-visible,input:focus-visible,textarea:focus-visible,.log:focus-visible{outline:2px solid #1f6feb;outline-offset:1px}
header .icon:focus-visible{outline-color:currentColor}
.bar{margin:0;padding:6px 14px;background:#f6f8fa;color:#1f2328;font-size:13px;border-bottom:1px solid #d0d7de}
.warn{background:#fff1e5;color:#7a2e0e}
.chat,.scroll{flex:1;display:flex;flex-direction:column;min-height:0}
.scroll{overflow:auto}
.log{flex:1;overflow-y:auto;padding:12px 14px;display:flex;flex-direction:column;gap:8px}
.scroll .log{flex:none;overflow:visible}
.m{display:flex;flex-direction:column;align-items:flex-start;max-width:85%}
.m.me{align-self:flex-end;align-items:flex-end}
.who{font-size:12px;color:#57606a;margin:0 4px 2px}
.bubble{padding:8px 12px;border-radius:14px;background:#eef1f4;color:#1f2328;overflow-wrap:anywhere}
.me .bubble{background:var(--c);color:var(--f)}
.me .bubble a{color:inherit}
.bubble a{color:#0550ae}
.txt{margin:0;white-space:pre-wrap}
.st{display:block;font-size:11px;text-align:right;margin-top:2px}
.retry{margin-left:6px;border:0;background:none;color:inherit;text-decoration:underline;font-size:11px}
.sys,.typing{align-self:center;margin:0;font-size:12px;color:#57606a;text-align:center}
.typing{align-self:flex-start;font-style:italic}
.older{align-self:center;border:1px solid #d0d7de;background:#fff;border-radius:12px;padding:3px 10px;font-size:12px;color:#1f2328}
.composer{position:relative;display:flex;align-items:flex-end;gap:4px;padding:8px;border-top:1px solid #d0d7de}
.composer textarea{flex:1;resize:none;max-height:120px;border:1px solid #8c959f;border-radius:10px;padding:8px 10px;font:inherit;color:#1f2328}
.composer .icon{color:#57606a}
.send{border:0;border-radius:10px;background:var(--c);color:var(--f);padding:8px 12px;font-size:16px}
.emojis{position:absolute;bottom:100%;right:8px;display:grid;grid-template-columns:repeat(8,1fr);gap:2px;padding:6px;background:#fff;border:1px solid #d0d7de;border-radius:10px;box-shadow:0 4px 12px rgba(0,0,0,.15)}
.emojis button{border:0;background:none;font-size:20px;padding:4px;border-radius:6px}
.emojis button:hover{background:#eef1f4}
.form,.rating,.transcript{display:flex;flex-direction:column;gap:10px;padding:12px 16px}
.transcript{border-bottom:1px solid #d0d7de;gap:6px}
.field{display:flex;flex-direction:column;gap:4px}
label,legend{font-size:13px;font-weight:600;color:#1f2328}
input,.form textarea{font:inherit;color:#1f2328;border:1px solid #8c959f;border-radius:8px;padding:8px 10px}
[aria-invalid]{border-color:#c62828}
.err{margin:0;font-size:12px;color:#b42318}
.primary{border:0;border-radius:8px;background:var(--c);color:var(--f);padding:10px 14px;font-weight:600}
.primary:disabled{opacity:.6;cursor:default}
.intro{margin:0}
.rating{border-top:1px solid #d0d7de}
fieldset{border:0;margin:0;padding:0}
.star{border:0;background:none;font-size:26px;color:#8c959f;padding:0 2px}
.star.on{color:#b35900}
.center{margin:auto;padding:24px;text-align:center}
.fallback{white-space:pre-wrap}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
