/*
 * The loader's styles, inside the shadow root. `:host` resets everything with
 * !important: in the cascade an !important rule of the shadow tree beats the
 * page's own !important rules, so `* { color: red !important }` on the site
 * stops at the host element. Inherited properties are set again on `.p` so
 * nothing flows in from the page.
 */
export const LOADER_CSS = `
:host{all:initial!important;display:block!important}
.p{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;-webkit-font-smoothing:antialiased}
.l{position:fixed;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;border:0;border-radius:28px;padding:13px 20px;font:inherit;font-weight:600;line-height:1;background:var(--c);color:var(--f);box-shadow:0 4px 16px rgba(0,0,0,.2);cursor:pointer}
.l:focus-visible{outline:3px solid #1f6feb;outline-offset:3px}
.right .l{right:20px}.left .l{left:20px}
.b{position:absolute;top:-6px;right:-6px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#c62828;color:#fff;font:inherit;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.b[hidden]{display:none}
.u{position:fixed;bottom:88px;z-index:2147483000;width:320px;padding:16px;border-radius:12px;background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.25)}
.right .u{right:20px}.left .u{left:20px}
.u button{float:right;border:0;background:none;font:inherit;font-size:20px;line-height:1;cursor:pointer;color:#1f2328}
@media (max-width:480px){.p .u{inset:0;width:auto;border-radius:0}}
`;
