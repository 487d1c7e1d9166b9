/** The portal's stylesheet: system fonts, contrast ≥ 4.5:1, visible focus, usable from 320 px. */
export const STYLESHEET = `
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--accent:#0b5394;--accent-bg:#e8f0f8;--warn:#7a4b00;--warn-bg:#fff4e0;--err:#a10000;--err-bg:#fde8e8;--ok:#1d5e20;--line:#c8c8c8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #f0a000;outline-offset:2px}
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
.help{border-bottom:1px dotted var(--muted);cursor:help}
ins{background:#e3f4e4;text-decoration:none}del{background:#fbe3e3}
footer.site{border-top:1px solid var(--line);padding:1.5rem 0;color:var(--muted);font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem;margin:1rem 0}
.card{border:1px solid var(--line);border-radius:.25rem;padding:.75rem 1rem}
.card .big{font-size:1.6rem;font-weight:700}
pre,code{font-family:ui-monospace,Consolas,monospace;font-size:.9rem}
pre{background:#f5f5f5;padding:.75rem;overflow-x:auto}
`;
