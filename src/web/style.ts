/** The portal's stylesheet: system fonts, contrast ≥ 4.5:1, visible focus, usable from 320 px. */
export const STYLESHEET = `
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--accent:#0b5394;--accent-bg:#e8f0f8;--warn:#7a4b00;--warn-bg:#fff4e0;--err:#a10000;--err-bg:#fde8e8;--ok:#1d5e20;--line:#c8c8c8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus,[tabindex]:focus,input[type=date]:focus-within{outline:3px solid #f0a000;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#000;color:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:0}
header.site{background:var(--accent);color:#fff}
header.site .wrap{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.75rem 1rem}
header.site a{color:#fff;text-decoration:none}
header.site a:hover,header.site a:focus{text-decoration:underline}
header.site .brand{font-weight:700;font-size:1.2rem}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.wrap{max-width:72rem;margin:0 auto;padding:0 1rem}
main{padding:1rem 0 3rem}
h1{font-size:1.75rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.3rem;margin:2rem 0 .75rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f3f3f3}
td.num,th.num{text-align:right;white-space:nowrap}
.table-scroll{overflow-x:auto}
.muted{color:var(--muted)}
.banner{padding:.75rem 1rem;border-left:5px solid var(--warn);background:var(--warn-bg);margin:1rem 0}
.banner.error{border-color:var(--err);background:var(--err-bg)}
.banner.ok{border-color:var(--ok);background:#e9f6ea}
.badge{display:inline-block;padding:0 .4rem;border:1px solid currentColor;border-radius:.25rem;font-size:.85rem;font-weight:600}
.q-A{color:#1d5e20}.q-B{color:#5c4a00}.q-C{color:#a10000}
form.search{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
form.search input[type=search]{flex:1 1 16rem;padding:.5rem;font-size:1rem;border:1px solid #767676;border-radius:.25rem}
button,.button{display:inline-block;padding:.5rem 1rem;font-size:1rem;background:var(--accent);color:#fff;border:0;border-radius:.25rem;cursor:pointer;text-decoration:none}
label{font-weight:600}
dl.fields{display:grid;grid-template-columns:minmax(10rem,16rem) 1fr;gap:.25rem 1rem}
dl.fields dt{font-weight:600}
dl.fields dd{margin:0}
@media (max-width:40rem){dl.fields{grid-template-columns:1fr}dl.fields dd{margin-bottom:.5rem}}
.help{border-bottom:1px dotted var(--muted);cursor:help;position:relative}
.help .tip{display:none;position:absolute;left:0;top:100%;z-index:5;width:min(22rem,80vw);padding:.5rem .75rem;background:#1a1a1a;color:#fff;font-weight:400;font-size:.875rem;border-radius:.25rem}
.help:hover .tip,.help:focus .tip{display:block}
ul.flag-list{padding-left:1.2rem}ul.flag-list li{margin:.4rem 0}
ins{background:#e3f4e4;text-decoration:none}del{background:#fbe3e3}
footer.site{border-top:1px solid var(--line);padding:1.5rem 0;color:var(--muted);font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem;margin:1rem 0}
.card{border:1px solid var(--line);border-radius:.25rem;padding:.75rem 1rem}
.card .big{font-size:1.6rem;font-weight:700}
pre,code{font-family:ui-monospace,Consolas,monospace;font-size:.9rem}
pre{background:#f5f5f5;padding:.75rem;overflow-x:auto}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
mark{background:#fff0a0;color:inherit;padding:0 .05em}
form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.75rem 1rem;margin:1rem 0;padding:1rem;background:#f6f8fa;border:1px solid var(--line);border-radius:.25rem}
form.filters .wide{grid-column:1/-1}
form.filters .field{display:flex;flex-direction:column;gap:.2rem}
form.filters input:not([type=checkbox]),form.filters select{padding:.4rem;font-size:1rem;border:1px solid #767676;border-radius:.25rem;background:#fff;min-width:0}
form.filters .check{display:flex;gap:.4rem;align-items:center;margin-top:.3rem}
form.filters .check label{font-weight:400}
form.filters .actions{flex-direction:row;align-items:flex-end;gap:1rem}
.hint{font-size:.875rem;color:var(--muted)}
.search-layout{display:grid;grid-template-columns:minmax(0,1fr) 16rem;gap:2rem}
@media (max-width:50rem){.search-layout{grid-template-columns:1fr}}
.facets h2{margin-top:0}.facets h3{font-size:1rem;margin:1rem 0 .25rem}.facets ul{list-style:none;padding:0;margin:0}
.facets a[aria-current]{font-weight:700}
ol.hits{list-style:none;padding:0;margin:0}
.hit{border-bottom:1px solid var(--line);padding:.75rem 0}
.hit h3{font-size:1.1rem;margin:0 0 .25rem}
.hit .meta{margin:.1rem 0;color:var(--muted)}
ul.flags{list-style:none;padding:0;margin:.3rem 0 0;display:flex;flex-wrap:wrap;gap:.3rem}
.flag{display:inline-block;padding:0 .4rem;border-radius:.25rem;font-size:.875rem;text-decoration:none;border:1px solid currentColor}
.sev-high{color:#a10000;background:#fde8e8}.sev-medium{color:#7a4b00;background:#fff4e0}.sev-low{color:#3d4a5c;background:#eef1f5}
.pagination ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
.pagination a,.pagination span{display:inline-block;padding:.25rem .6rem;border:1px solid var(--line);border-radius:.25rem}
.pagination span[aria-current]{background:var(--accent);color:#fff;border-color:var(--accent)}
.empty{padding:1rem;border:1px dashed var(--line)}
.tools{font-size:.95rem}
figure.chart{margin:1rem 0}figure.chart figcaption{font-weight:700;margin-bottom:.5rem}
.chart-body{display:grid;grid-template-columns:minmax(0,3fr) minmax(14rem,2fr);gap:1rem;align-items:start}
.chart-body svg{width:100%;height:auto}
@media (max-width:50rem){.chart-body{grid-template-columns:1fr}}
`;

/** The embeddable widget carries its style inline, so the iframe makes no other request. */
export const STYLESHEET_EMBED = `
body{margin:0;padding:.75rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
h1{font-size:1.05rem;margin:0 0 .5rem}
ul{list-style:none;margin:0;padding:0}
li{padding:.4rem 0;border-bottom:1px solid #d0d0d0}
a{color:#0b5394}
a:focus{outline:3px solid #f0a000;outline-offset:2px}
.meta{color:#4a4a4a;font-size:.875rem}
.more{margin:.5rem 0 0;font-size:.9rem}
.ws-bar{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem 1rem;border-bottom:1px solid var(--line);margin-bottom:.5rem}
.ws-bar p{margin:.25rem 0}
.ws-nav ul{list-style:none;margin:0 0 1rem;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.ws-nav p{margin:.25rem 0}
.ws-nav a[aria-current=page]{font-weight:700;text-decoration:none;border-bottom:3px solid var(--accent)}
button.secondary{background:#fff;color:var(--accent);border:2px solid var(--accent)}
button.danger{background:var(--err)}
form.inline{display:inline}
.ws-form{max-width:48rem}
.ws-form.narrow{max-width:24rem}
.ws-form p,.ws-field{margin:0 0 1rem}
.ws-form label{display:block}
.ws-form .check label{display:inline;font-weight:400}
.ws-form input:not([type=checkbox]):not([type=file]),.ws-form select,.ws-form textarea{display:block;width:100%;max-width:40rem;padding:.45rem;font:inherit;border:1px solid #767676;border-radius:.25rem}
.ws-form input[readonly]{background:#f3f3f3}
.ws-form fieldset{border:1px solid var(--line);border-radius:.25rem;margin:0 0 1rem;padding:.75rem 1rem}
.ws-form legend{font-weight:700;padding:0 .25rem}
.ws-form .hint{display:block;color:var(--muted);font-size:.9rem}
.ws-form .req{font-weight:400;color:var(--muted)}
.ws-form .actions{display:flex;flex-wrap:wrap;gap:.5rem}
.ws-field.has-problem input,.ws-field.has-problem select,.ws-field.has-problem textarea{border:2px solid var(--err)}
.field-problem{color:var(--err);font-weight:600;margin:.25rem 0}
.preview{border:3px dashed var(--line);padding:0 1rem;margin:1rem 0}
form.dropping{outline:3px dashed var(--accent);outline-offset:.5rem}
`;
