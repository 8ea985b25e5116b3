/// What the preview adds to every page it serves: a script that listens to the server's events
/// (a reload when a report changed, the problems of a notebook that does not validate) and the
/// overlay that shows those problems over the last good report.
enum LiveReload {
    /// The path of the event stream (server-sent events).
    static let eventsPath = "/__notebook/events"

    /// `html` with the overlay (when there are `problems`) and the script inserted before `</body>`.
    static func inject(into html: String, problems: String?) -> String {
        let addition = overlay(problems) + script
        guard let end = html.range(of: "</body>", options: .backwards) else { return html + addition }
        return html.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: addition)
    }

    /// The overlay showing `problems` (escaped), or nothing.
    static func overlay(_ problems: String?) -> String {
        guard let problems, !problems.isEmpty else { return "" }
        return "<div id=\"notebook-live-problems\" role=\"alert\" style=\"\(overlayStyle)\">"
            + "<p style=\"margin:0 0 .5rem;font-weight:700\">The notebook does not validate; this is the last good report.</p>"
            + "<pre style=\"margin:0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace\">\(escaped(problems))</pre></div>"
    }

    static let overlayStyle = "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:60vh;overflow:auto;z-index:100;"
        + "background:#fde7e5;color:#5c0f0a;border:2px solid #b42318;border-radius:8px;padding:.8rem 1rem;"
        + "box-shadow:0 4px 24px rgba(0,0,0,.3)"

    /// Listens to the events: `reload` reloads the page; `problems` replaces the overlay's text
    /// (an empty text removes it).
    static let script = """
        <script>(function(){var s=new EventSource("\(eventsPath)");\
        s.addEventListener("reload",function(){location.reload();});\
        s.addEventListener("problems",function(e){var o=document.getElementById("notebook-live-problems");\
        if(!e.data){if(o)o.remove();return;}\
        if(!o){o=document.createElement("div");o.id="notebook-live-problems";o.setAttribute("role","alert");\
        o.setAttribute("style","\(overlayStyle)");document.body.appendChild(o);}\
        o.innerHTML="<p style=\\"margin:0 0 .5rem;font-weight:700\\">The notebook does not validate; this is the last good report.</p><pre style=\\"margin:0;white-space:pre-wrap\\"></pre>";\
        o.querySelector("pre").textContent=JSON.parse(e.data);});})();</script>
        """

    /// `text` safe inside HTML text.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
