/**
 * The demo shop (`/demo`): a plain page with the widget embedded by its one
 * tag, so that a new user sees the widget working within a minute of `npm start`.
 */
export function demoPage(widgetKey: string): string {
  // Widget keys are url-safe base64; anything else cannot reach the attribute.
  const key = widgetKey.replace(/[^A-Za-z0-9_-]/g, '');
  const products = [
    ['Linen shirt', '49 €', '#d9c7a7'],
    ['Wool scarf', '35 €', '#8c5e58'],
    ['Canvas tote', '19 €', '#5b7065'],
    ['Leather belt', '42 €', '#3f3a36'],
  ]
    .map(
      ([name, price, color]) =>
        `<li><div class="pic" style="background:${color}"></div><h2>${name}</h2><p>${price}</p><button type="button">Add to cart</button></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley demo shop</title>
<style>
body{margin:0;font:16px/1.5 Georgia,serif;color:#222;background:#faf7f2}
header{padding:24px 32px;border-bottom:1px solid #e5ded3}
header h1{margin:0;font-size:28px}
main{padding:24px 32px 120px}
ul{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:24px}
li{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
.pic{height:140px;border-radius:6px}
h2{font-size:18px;margin:12px 0 4px}
li button{padding:8px 14px;border:1px solid #222;background:#fff;border-radius:4px;cursor:pointer}
</style>
</head>
<body>
<header><h1>Maison Demo</h1><p>A pretend shop. Questions? Use the chat button in the corner.</p></header>
<main><ul>${products}</ul></main>
<script type="module" src="/widget.js" data-key="${key}"></script>
</body>
</html>
`;
}
