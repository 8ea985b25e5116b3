import Foundation
import Testing

@Suite("Reports on a phone", .serialized)
struct PhoneWidthTests {
    /// A notebook with what tends to widen a page: a wide prose table, long display math, a block
    /// with metrics and tables, and a figure of panels side by side.
    static let notebook = """
        # Phone

        | solver | steps | rejected | evaluations | Jacobians | error at t = 100 | block time | notes on the method |
        |---|---:|---:|---:|---:|---:|---:|---|
        | dopri5 | 17200 | 53 | 103202 | — | 4.4e-6 | 10–20 ms | Dormand–Prince with Shampine's dense output |
        | rodas4 | 803 | 91 | 4729 | 712 | 2.8e-6 | ≈ 1 ms | Rosenbrock, exact symbolic Jacobian |

        $$\\dot x_1 = r_1 x_1 (1 - i_{N1} x_1) - a_1 x_1 x_2, \\qquad \\dot x_2 = r_2 x_2 (1 - i_{N2} x_2) - a_2 x_1 x_2, \\qquad \\dot x_3 = x_1 + x_2 + x_3$$

        ```{species}
        id: competition
        steps: 100
        data: {t: [0, 5, 10], x1: [100, 110, 120], x2: [150, 140, 130]}
        ```

        ```{spiral}
        id: tiny
        data_size: 100
        hidden: [4]
        iterations: 2
        batch_time: 5
        batch_size: 4
        test_every: 0
        snapshots: 2
        ```
        """

    /// Runs in the page inside a 390 px iframe: every element whose right edge passes the viewport
    /// and that no scrolling ancestor contains, reported to the host page.
    static let probe = """
        <script>
        window.addEventListener('load', function () { setTimeout(function () {
          var width = document.documentElement.clientWidth, wide = [];
          document.querySelectorAll('body *').forEach(function (element) {
            var box = element.getBoundingClientRect();
            if (box.width === 0 || box.right <= width + 1) { return; }
            for (var p = element.parentElement; p; p = p.parentElement) {
              var overflow = getComputedStyle(p).overflowX;
              if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') { return; }
            }
            wide.push(element.tagName.toLowerCase() + '.' + element.className);
          });
          var narrow = Array.prototype.map.call(document.images, function (image) { return image.currentSrc.split('/').pop(); });
          parent.postMessage(JSON.stringify({ width: width, wide: wide, images: narrow }), '*');
        }, 500); });
        </script>
        """

    struct Measure: Decodable {
        var width: Int
        var wide: [String]
        var images: [String]
    }

    @Test("at 390 px no element is wider than the viewport, and side-by-side figures show their stacked variant")
    func noHorizontalOverflow() throws {
        try #require(Chromium.binary != nil, "chromium is not installed (scripts/install-deps installs it)")
        let scratch = try Scratch(prefix: "notebook-phone-test")
        defer { scratch.remove() }
        _ = try scratch.write(Self.notebook, to: "phone.md")
        let result = try CLI.run(["run", "phone.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let report = scratch.file("output/phone/index.html")
        let html = try String(contentsOf: report, encoding: .utf8)
        let page = report.deletingLastPathComponent().appendingPathComponent("probe.html")
        try Data(html.replacingOccurrences(of: "</body>", with: Self.probe + "\n</body>").utf8).write(to: page)
        let host = report.deletingLastPathComponent().appendingPathComponent("host.html")
        try Data("""
            <!doctype html><html><body style="margin:0"><iframe src="probe.html" width="390" height="900" style="border:0"></iframe>
            <pre id="notebook-selftest">waiting</pre>
            <script>window.addEventListener('message', function (e) { document.getElementById('notebook-selftest').textContent = e.data; });</script>
            </body></html>
            """.utf8).write(to: host)
        let dump = try Chromium.run(["--dump-dom"], page: host, profile: scratch.file("profile"))
        #expect(!dump.timedOut, "chromium timed out")
        let json = try #require(
            dump.stdout.components(separatedBy: "<pre id=\"notebook-selftest\">").dropFirst().first?.components(separatedBy: "</pre>").first,
            "no measurement; stderr:\n\(dump.stderr.suffix(2000))")
        let measure = try JSONDecoder().decode(Measure.self, from: Data(json.replacingOccurrences(of: "&quot;", with: "\"").utf8))
        #expect(measure.width <= 390)
        #expect(measure.wide == [], "elements wider than the \(measure.width) px viewport")
        #expect(measure.images.contains("tiny-field-narrow.png"), "\(measure.images)")
        #expect(measure.images.contains("tiny-snapshots-narrow.png"), "\(measure.images)")
    }
}
