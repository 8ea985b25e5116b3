import Testing
@testable import Report

@Suite("HTML builder")
struct HTMLBuilderTests {
    @Test("elements, attributes in the given order, nil attributes left out")
    func elements() {
        let p = HTML.element("p", [.init("class", "x"), .init("id", nil), .init("title", "a<b")], .text("1 < 2"), .element("em", [], .text("!")))
        #expect(p.rendered == "<p class=\"x\" title=\"a&lt;b\">1 &lt; 2<em>!</em></p>")
    }

    @Test("dictionary attributes are written sorted by name")
    func dictionaryAttributes() {
        let a = HTML.element("a", ["href": "x", "class": "c", "aria-label": "l"], .text("t"))
        #expect(a.rendered == "<a aria-label=\"l\" class=\"c\" href=\"x\">t</a>")
    }

    @Test("a repeated attribute keeps its first value")
    func repeatedAttribute() {
        #expect(HTML.element("b", [.init("class", "a"), .init("class", "b")]).rendered == "<b class=\"a\"></b>")
    }

    @Test("void elements get no end tag")
    func voidElements() {
        #expect(HTML.element("img", [.init("src", "a.png"), .init("alt", "")]).rendered == "<img src=\"a.png\" alt=\"\">")
        #expect(HTML.element("br").rendered == "<br>")
    }

    @Test("concatenation")
    func concatenation() {
        var h = HTML.text("a") + HTML.element("i", [], .text("b"))
        h += .text("&")
        #expect(h.rendered == "a<i>b</i>&amp;")
        #expect(HTML([.text("x"), .empty, .text("y")]).rendered == "xy")
        #expect(HTML.empty.isEmpty && !h.isEmpty)
        #expect(h.trusted.markup == h.rendered)
    }

    @Test("names built at run time are validated")
    func nameValidation() {
        // Through a String variable, so that the failable initialiser runs (a literal would be
        // checked by the literal initialiser instead).
        func tag(_ name: String) -> HTML.Tag? { HTML.Tag(name) }
        func attribute(_ name: String) -> HTML.AttributeName? { HTML.AttributeName(name) }
        #expect(tag("section")?.name == "section")
        #expect(tag("h2") != nil && tag("my-element") != nil)
        for bad in ["", "Script", "a b", "p>", "1p", "img/", "x\"y"] {
            #expect(tag(bad) == nil, "\(bad)")
        }
        #expect(attribute("data-id") != nil)
        for bad in ["onclick", "onerror", "a=b", "Class", "", "x y"] {
            #expect(attribute(bad) == nil, "\(bad)")
        }
        #expect(tag("style")?.isRawText == true && tag("script")?.isRawText == true)
        #expect(tag("img")?.isVoid == true && tag("p")?.isVoid == false)
    }
}
