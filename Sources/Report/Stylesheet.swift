/// The small stylesheet embedded in every page: system fonts, a readable measure, light and dark.
enum Stylesheet {
    /// The CSS, a compile-time constant (it never contains user text).
    static let css: StaticString = """

        :root{color-scheme:light dark;--fg:#1d1f23;--muted:#5b6270;--bg:#fff;--panel:#f5f6f8;--line:#d9dce1;\
        --link:#0b5cad;--ok:#1a7f37;--ok-bg:#dcf5e3;--fail:#b42318;--fail-bg:#fde7e5;--cached:#6a4bb5;\
        --cached-bg:#ece6fb}
        @media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#9aa3b1;--bg:#15171a;--panel:#1e2126;\
        --line:#343a42;--link:#7cb7ff;--ok:#6fdc8c;--ok-bg:#123620;--fail:#ff8a80;--fail-bg:#3d1613;\
        --cached:#c3b1ff;--cached-bg:#2a2145}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:50rem;padding:1.5rem 1rem 3rem;color:var(--fg);background:var(--bg);\
        font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
        a{color:var(--link)}
        a.quoted-value{color:inherit;text-decoration:underline dotted var(--muted);text-underline-offset:.15em}
        a.quoted-value.missing,a.figure-ref.missing{color:var(--fail)}
        code,pre,.num{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;\
        font-size:.9em}
        pre{background:var(--panel);padding:.6rem .8rem;border-radius:6px;overflow-x:auto;white-space:pre}
        img{max-width:100%;height:auto}
        h1{line-height:1.2}
        .page-header{border-bottom:1px solid var(--line);padding-bottom:.8rem;margin-bottom:1rem}
        .page-header h1{margin:0 0 .3rem}
        .source{margin:0;color:var(--muted)}
        .run-info{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.6rem 0 0;\
        font-size:.9rem}
        .run-info dt{color:var(--muted)}.run-info dd{margin:0}dl>div{display:contents}
        .badge{display:inline-block;padding:0 .5em;border-radius:999px;font-size:.8rem;font-weight:600;\
        line-height:1.6;vertical-align:middle}
        .badge-ok{color:var(--ok);background:var(--ok-bg)}
        .badge-failed{color:var(--fail);background:var(--fail-bg)}
        .badge-cached{color:var(--cached);background:var(--cached-bg)}
        .toc{background:var(--panel);border-radius:6px;padding:.6rem 1rem;margin:1rem 0 1.5rem}
        .toc h2{font-size:1rem;margin:0 0 .3rem}
        .toc li.figure-entry{list-style:none;font-size:.9rem;margin:.15rem 0}
        .toc img.thumb{width:3rem;height:auto;vertical-align:middle;margin-right:.4rem;border:1px solid var(--line);background:#fff}
        @media (max-width:600px){.toc li.figure-entry{display:none}}
        .toc ul{margin:0;padding-left:1.2rem}.toc>ul{padding-left:0;list-style:none}
        .block{border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem;margin:1.2rem 0}
        .block-failed{border-color:var(--fail)}
        .block-header{display:flex;flex-wrap:wrap;gap:.3rem .7rem;align-items:baseline}
        .block-id{font-weight:700}.block-meta{color:var(--muted);font-size:.9rem}
        .caption{margin:.3rem 0 0;flex-basis:100%}
        .error{border-left:4px solid var(--fail);background:var(--fail-bg);padding:.5rem .8rem;margin:.8rem 0;\
        border-radius:0 6px 6px 0}
        .error-title{margin:0;font-weight:700;color:var(--fail)}
        .error-message{margin:.3rem 0 0;white-space:pre-wrap}
        table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
        th,td{border-bottom:1px solid var(--line);padding:.2rem .6rem;text-align:left;vertical-align:top}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .table-wrap{overflow-x:auto}
        table.points td:first-child,table.points th{white-space:nowrap}
        .up{margin:0 0 .4rem;font-size:.9rem}
        caption{text-align:left;font-weight:600;padding:.2rem 0}
        figure{margin:1rem 0}figcaption{color:var(--muted);font-size:.9rem;margin-top:.3rem}
        .figure-data{white-space:nowrap}.figure-data a{font-size:.85rem}
        .data-title{margin:.6rem 0 0;font-weight:600;font-size:.9rem}
        .data-files{margin:.2rem 0 .6rem;padding-left:1.2rem;font-size:.9rem}
        details{margin:.6rem 0}summary{cursor:pointer;color:var(--muted)}
        .options dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0;\
        font-size:.9rem}
        .options dd{margin:0}
        .empty{color:var(--muted);font-style:italic}
        .summary{color:var(--muted)}
        .run-stamp{border-top:1px solid var(--line);margin-top:2rem;padding-top:.6rem;color:var(--muted);\
        font-size:.85rem}
        .math{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
        .math.display{display:block;margin:.8rem 0;text-align:center;overflow-x:auto;overflow-y:hidden}
        .parameters{margin:.6rem 0 0}.parameters table{margin:0}
        details.parameters{margin:2rem 0 0;border-top:1px solid var(--line);padding-top:.6rem}
        details.parameters summary{cursor:pointer;font-size:.9rem;color:var(--muted)}
        .parameters td,.parameters th{font-size:.85rem}
        .parameters .origin,.parameters .defaults{color:var(--muted)}.parameters .origin{white-space:nowrap}\
        .parameters td:first-of-type code{white-space:nowrap}
        .parameters code{white-space:pre-wrap;word-break:break-word}
        figure.zoomable .zoom{cursor:zoom-in}
        .lightbox-close{display:none}
        figure:target .zoom{position:fixed;inset:0;z-index:10;display:flex;align-items:center;justify-content:center;\
        background:rgba(0,0,0,.88);padding:1rem}
        figure:target .zoom img{max-width:100%;max-height:100%;width:auto;height:auto;background:#fff}
        figure:target .lightbox-close{display:block;position:fixed;inset:0;z-index:11;text-align:right;\
        padding:.4rem 1rem;font-size:2rem;line-height:1;color:#fff;text-decoration:none;cursor:zoom-out}
        .baseline-summary{border-left:4px solid var(--ok);background:var(--ok-bg);padding:.4rem .8rem;margin:.8rem 0;\
        border-radius:0 6px 6px 0}.baseline-summary p{margin:0}
        .baseline-summary.baseline-regressed{border-color:var(--fail);background:var(--fail-bg)}
        details.baseline-regressed>summary{color:var(--fail);font-weight:600}
        table.baseline tr.regression td,table.baseline tr.regression th{background:var(--fail-bg)}
        .verdict{white-space:nowrap}.verdict.bad{color:var(--fail);font-weight:600}
        .figure-compare-row{display:flex;flex-wrap:wrap;gap:.6rem}
        .figure-compare-row figure{flex:1 1 14rem;margin:0}.figure-compare-row img{background:#fff;border:1px solid var(--line)}
        th .sort{all:unset;cursor:pointer;font-weight:600}
        th .sort:focus-visible{outline:2px solid var(--link);outline-offset:2px}
        th[aria-sort=ascending] .sort::after{content:" \\25B2";font-size:.7em}
        th[aria-sort=descending] .sort::after{content:" \\25BC";font-size:.7em}

        """
}
